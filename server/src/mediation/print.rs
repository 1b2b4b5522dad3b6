//! Printable documents: the agreement (调解协议书) in the customary layout, and the whole case
//! file (卷宗) in order. Plain HTML with print CSS: the browser prints it or saves it as PDF.
//! What a reader sees in print is exactly what the JSON view gives them.

use shared::i18n::Lang;
use shared::mediation::*;
use std::fmt::Write;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{t}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: "Noto Serif CJK SC", "Songti SC", serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; font-size: 16pt; line-height: 1.8; color: #000; }}
h1 {{ text-align: center; font-size: 22pt; letter-spacing: .3em; }}
h2 {{ font-size: 16pt; margin-top: 1.5em; }}
.no {{ text-align: right; }}
.sign {{ display: flex; flex-wrap: wrap; gap: 2rem; margin-top: 3rem; }}
.sign div {{ min-width: 12rem; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #000; padding: .3em .5em; vertical-align: top; }}
.muted {{ color: #444; font-size: 12pt; }}
.photos {{ display: flex; flex-wrap: wrap; gap: .5rem; }} .photos figure {{ margin: 0; break-inside: avoid; font-size: 11pt; text-align: center; }}
.photos img {{ width: 7.5cm; max-width: 100%; height: auto; border: 1px solid #999; }}
@media print {{ body {{ margin: 0; }} .noprint {{ display: none; }} }}
</style></head><body>{b}
<p class="noprint muted">用浏览器的“打印”（Ctrl+P）打印，或另存为 PDF。/ Print with the browser (Ctrl+P), or save as PDF.</p></body></html>"#,
        t = esc(title),
        b = body
    )
}

fn side_label(s: Side) -> &'static str {
    s.text().zh
}

fn confirm_label(m: Option<ConfirmMethod>) -> &'static str {
    match m {
        Some(ConfirmMethod::Signature) => "（已签名）",
        Some(ConfirmMethod::Thumbprint) => "（已按手印）",
        Some(ConfirmMethod::Oral) => "（口头确认）",
        None => "",
    }
}

/// A party as an agreement names them: "申请人：王某，身份证号：…，住址：…，代理人：…".
/// Facts not recorded are left out rather than printed empty.
pub fn party_line(p: &PartyView, doc: &AgreementDocument) -> Vec<String> {
    let full = doc.party(p.id);
    let mut out = vec![format!("{}：{}", p.side.text().zh, p.name)];
    if let Some(n) = full.and_then(|f| f.id_number.as_deref()) {
        out.push(format!("身份证件号码：{n}"));
    }
    if let Some(a) = full.and_then(|f| f.address.as_deref()) {
        out.push(format!("住址：{a}"));
    }
    if let Some(r) = p.representative.as_deref().filter(|r| !r.trim().is_empty()) {
        out.push(format!("代理人：{r}"));
    }
    out
}

/// A statement's parts with their printed labels, in the record's order.
fn entry_fields(e: &EntryView) -> [(&'static str, &String); 4] {
    [
        ("陈述", &e.statement),
        ("立场", &e.position),
        ("利益诉求", &e.interests),
        ("提议", &e.proposal),
    ]
}

/// 人民调解协议书: parties, facts and responsibility, terms with manner and deadline,
/// confirmations, the reminder of judicial confirmation (Art. 33).
pub fn agreement(v: &FileView, doc: &AgreementDocument) -> Option<String> {
    let a = v.agreement.as_ref()?;
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>人民调解协议书</h1><p class=\"no\">{}　编号：{}</p>",
        esc(&doc.committee),
        esc(&v.summary.number)
    );
    for p in &v.parties {
        let _ = write!(
            b,
            "<p data-party=\"{}\">{}",
            p.id,
            party_line(p, doc)
                .iter()
                .map(|s| esc(s))
                .collect::<Vec<_>>()
                .join("，")
        );
        b.push_str("</p>");
    }
    let _ = write!(
        b,
        "<h2>纠纷主要事实、争议事项及各方当事人的责任</h2><p>{}</p><h2>经调解，自愿达成如下协议</h2><ol>",
        esc(&a.facts)
    );
    for t in &a.terms {
        let _ = write!(b, "<li>{}（履行期限：{}）</li>", esc(&t.text), t.due);
    }
    b.push_str("</ol><p>履行方式、时限：按上列各条约定履行。本协议经各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。</p>");
    if a.oral {
        b.push_str("<p>本协议为口头协议，由人民调解员记录在案。</p>");
    }
    b.push_str("<p class=\"muted\">经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。</p><div class=\"sign\">");
    for p in &v.parties {
        let when = p
            .confirmed_at
            .map(|t| t.to_offset(shared::calendar::SHANGHAI).date().to_string())
            .unwrap_or_else(|| "　　年　月　日".into());
        let _ = write!(
            b,
            "<div>{}（签名）：{}{}<br>{}</div>",
            side_label(p.side),
            if p.confirmed_at.is_some() {
                esc(&p.name)
            } else {
                "＿＿＿＿＿＿".into()
            },
            confirm_label(p.confirmed_by),
            when
        );
    }
    let _ = write!(
        b,
        "<div>人民调解员（签名）：{}</div><div>{}（印章）</div></div>",
        esc(&v.summary.mediator_names.join("、")),
        esc(&doc.committee)
    );
    Some(page(&format!("人民调解协议书 {}", v.summary.number), &b))
}

/// The case file in order: intake, parties and consents, notices, records, sessions (as the
/// reader may see them), agreement, performance, follow-ups, history.
pub fn dossier(v: &FileView) -> String {
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>人民调解卷宗</h1><p class=\"no\">编号：{}</p><h2>一、受理</h2><p>{}（{}）</p><p>{}</p>",
        esc(&v.summary.number),
        esc(&v.summary.title),
        v.summary.dispute_type.text().zh,
        esc(&v.description)
    );
    b.push_str("<h2>二、当事人及同意调解情况</h2><table><tr><th>身份</th><th>姓名</th><th>是否同意调解</th><th>权利义务告知</th></tr>");
    for p in &v.parties {
        let consent = match p.consent {
            Some(true) => "同意".to_string(),
            Some(false) => format!("不同意：{}", esc(p.consent_note.as_deref().unwrap_or(""))),
            None => "未表态".to_string(),
        };
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            side_label(p.side),
            esc(&p.name),
            consent,
            if p.notified_at.is_some() {
                "已告知"
            } else {
                "未告知"
            }
        );
    }
    b.push_str("</table><h2>三、核实与记录</h2>");
    for r in &v.records {
        let _ = write!(
            b,
            "<p>【{}】{}　<span class=\"muted\">{}</span></p>",
            r.kind.text().zh,
            esc(&r.text),
            esc(&r.author_name)
        );
        if !r.photos.is_empty() {
            // The record's photos as exhibits, each linked to its full size.
            let _ = write!(
                b,
                "<p class=\"muted\">附照片 {} 张</p><div class=\"photos\">",
                r.photos.len()
            );
            for (i, p) in r.photos.iter().enumerate() {
                let _ = write!(
                    b,
                    "<figure><a href=\"{}\"><img src=\"{}\" alt=\"{}照片 {}\" data-photo-id=\"{}\"></a><figcaption>{}照片 {}</figcaption></figure>",
                    esc(&p.url),
                    esc(&p.thumb_url),
                    r.kind.text().zh,
                    i + 1,
                    p.id,
                    r.kind.text().zh,
                    i + 1
                );
            }
            b.push_str("</div>");
        }
    }
    b.push_str("<h2>四、调解笔录</h2>");
    for s in &v.sessions {
        let _ = write!(
            b,
            "<p><b>{}</b>　{}　{}　调解员：{}</p>",
            s.mode.text().zh,
            s.held_at.to_offset(shared::calendar::SHANGHAI).date(),
            esc(&s.venue),
            esc(&s.mediator_name)
        );
        if let Some(n) = &s.strategy_note
            && !n.is_empty()
        {
            let _ = write!(b, "<p class=\"muted\">调解策略：{}</p>", esc(n));
        }
        for e in &s.entries {
            // Only what was said: an empty field is left out, not printed as "提议：".
            let said: Vec<String> = entry_fields(e)
                .into_iter()
                .filter(|(_, text)| !text.trim().is_empty())
                .map(|(label, text)| format!("{label}：{}", esc(text.trim())))
                .collect();
            let _ = write!(
                b,
                "<p>{}：{}</p>",
                esc(&e.party_name),
                if said.is_empty() {
                    "（未记录内容）".to_string()
                } else {
                    said.join("；")
                }
            );
        }
        if s.withheld > 0 {
            let _ = write!(
                b,
                "<p class=\"muted\">（另有 {} 条记录不对您公开）</p>",
                s.withheld
            );
        }
    }
    if let Some(a) = &v.agreement {
        let _ = write!(b, "<h2>五、调解协议</h2><p>{}</p><ol>", esc(&a.facts));
        for t in &a.terms {
            let done = match (&t.performed_at, &t.proof) {
                (Some(at), proof) => format!(
                    "已履行（{}）{}",
                    at.to_offset(shared::calendar::SHANGHAI).date(),
                    esc(proof.as_deref().unwrap_or(""))
                ),
                (None, _) => "未履行".into(),
            };
            let _ = write!(b, "<li>{}（期限 {}）— {}</li>", esc(&t.text), t.due, done);
        }
        b.push_str("</ol>");
    }
    if let Some(n) = outcome(v, Lang::ZhCn) {
        let _ = write!(b, "<h2>结果</h2><p>{}</p>", esc(&n));
    }
    b.push_str("<h2>六、办理经过</h2><ol>");
    for e in &v.history {
        // "2026-12-07　陈调解员　受理（受理 → 受理）：…": what happened in words, never its code.
        let stages = match (e.from_stage, e.to_stage) {
            (Some(from), Some(to)) if from != to => {
                format!("（{} → {}）", from.text().zh, to.text().zh)
            }
            _ => String::new(),
        };
        let _ = write!(
            b,
            "<li data-action=\"{}\">{}　{}　{}{}{}</li>",
            e.action.as_str(),
            e.at.to_offset(shared::calendar::SHANGHAI).date(),
            esc(&e.actor_name),
            e.action.text().zh,
            stages,
            e.action
                .describe(&e.detail, Lang::ZhCn)
                .into_iter()
                .chain(e.note.as_deref().map(str::trim).map(str::to_string))
                .filter(|n| !n.is_empty())
                .map(|n| format!("：{}", esc(&n)))
                .collect::<String>()
        );
    }
    b.push_str("</ol>");
    page(&format!("人民调解卷宗 {}", v.summary.number), &b)
}

/// 调解笔录: one session's record as this reader may see it, for signature by those present.
/// `None` when the reader may not see the session at all.
pub fn session_record(v: &FileView, session_id: i64) -> Option<String> {
    let s = v.sessions.iter().find(|s| s.id == session_id)?;
    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>人民调解笔录</h1><p class=\"no\">编号：{}</p>",
        esc(&v.summary.number)
    );
    let held = s.held_at.to_offset(shared::calendar::SHANGHAI);
    let present: Vec<&PartyView> = match (s.mode, s.party_id) {
        (SessionMode::BackToBack, Some(p)) => v.parties.iter().filter(|x| x.id == p).collect(),
        _ => v.parties.iter().collect(),
    };
    let _ = write!(
        b,
        "<table><tr><th>案由</th><td>{}</td></tr><tr><th>时间</th><td>{}年{}月{}日 {:02}:{:02}</td></tr>\
<tr><th>地点</th><td>{}</td></tr><tr><th>调解方式</th><td>{}</td></tr><tr><th>调解员</th><td>{}</td></tr>\
<tr><th>到场当事人</th><td>{}</td></tr></table>",
        esc(&v.summary.title),
        held.year(),
        u8::from(held.month()),
        held.day(),
        held.hour(),
        held.minute(),
        esc(&s.venue),
        s.mode.text().zh,
        esc(&s.mediator_name),
        present
            .iter()
            .map(|p| format!("{}：{}", side_label(p.side), esc(&p.name)))
            .collect::<Vec<_>>()
            .join("；")
    );
    if let Some(n) = &s.strategy_note
        && !n.is_empty()
    {
        let _ = write!(b, "<h2>调解策略</h2><p>{}</p>", esc(n));
    }
    b.push_str("<h2>记录</h2>");
    if s.entries.is_empty() && s.withheld == 0 {
        b.push_str("<p>（无记录）</p>");
    }
    for e in &s.entries {
        let _ = write!(b, "<h3>{}</h3><table>", esc(&e.party_name));
        for (label, text) in entry_fields(e) {
            if !text.trim().is_empty() {
                let _ = write!(b, "<tr><th>{label}</th><td>{}</td></tr>", esc(text));
            }
        }
        let _ = write!(
            b,
            "</table><p class=\"muted\">{}</p>",
            if e.shareable {
                "本人同意向对方当事人公开"
            } else {
                "不向对方当事人公开"
            }
        );
    }
    if s.withheld > 0 {
        let _ = write!(
            b,
            "<p class=\"muted\">（另有 {} 条记录不对您公开）</p>",
            s.withheld
        );
    }
    b.push_str("<p>以上笔录经本人阅看（或向本人宣读），与所述一致。</p><div class=\"sign\">");
    for p in &present {
        let _ = write!(
            b,
            "<div data-sign=\"party\">{}（签名）：＿＿＿＿＿＿<br>　　年　月　日</div>",
            esc(&p.name)
        );
    }
    let _ = write!(
        b,
        "<div data-sign=\"mediator\">调解员（签名）：{}　＿＿＿＿＿＿</div><div>记录人（签名）：＿＿＿＿＿＿</div></div>",
        esc(&s.mediator_name)
    );
    Some(page(&format!("人民调解笔录 {}", v.summary.number), &b))
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<b>\"王\"&'李'</b>"),
            "&lt;b&gt;&quot;王&quot;&amp;&#39;李&#39;&lt;/b&gt;"
        );
    }
}

/// How a file that ended without agreement ended: "刘建华 不同意调解：<reason>", or
/// "<note>；已告知当事人可以依法……" — the words of the history entry that ended it, and the
/// reason as typed.
fn outcome(v: &FileView, lang: Lang) -> Option<String> {
    let note = v.outcome_note.as_deref().map(str::trim).unwrap_or("");
    let ended = v
        .history
        .iter()
        .rev()
        .find(|e| matches!(e.action, MediationEvent::Refused | MediationEvent::Fail));
    let said = ended.and_then(|e| e.action.describe(&e.detail, lang));
    let parts: Vec<&str> = match ended.map(|e| e.action) {
        Some(MediationEvent::Fail) => vec![note, said.as_deref().unwrap_or("")],
        _ => vec![said.as_deref().unwrap_or(""), note],
    };
    let sep = if ended.is_some_and(|e| e.action == MediationEvent::Fail) {
        "；"
    } else {
        "："
    };
    let text = parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(sep);
    (!text.is_empty()).then_some(text)
}

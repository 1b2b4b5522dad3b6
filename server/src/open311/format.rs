//! GeoReport v2 documents in JSON and XML, as the specification writes them.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// Split `requests.json` into (`requests`, Json).
pub fn split(file: &str) -> Option<(&str, Format)> {
    let (stem, ext) = file.rsplit_once('.')?;
    let f = match ext {
        "json" => Format::Json,
        "xml" => Format::Xml,
        _ => return None,
    };
    Some((stem, f))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

fn xml_value(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            xml_fields(map, out);
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(items) => {
            // Lists inside an element (service attributes) repeat a singular child.
            out.push_str(&format!("<{name}>"));
            for i in items {
                xml_value("value", i, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

fn xml_fields(map: &Map<String, Value>, out: &mut String) {
    for (k, v) in map {
        xml_value(k, v, out);
    }
}

/// A list document: JSON array, or `<root><item>…</item>…</root>` in XML.
pub fn list(
    format: Format,
    root: &str,
    item: &str,
    items: Vec<Value>,
    status: StatusCode,
) -> Response {
    let (body, ct) = match format {
        Format::Json => (
            Value::Array(items).to_string(),
            "application/json; charset=utf-8",
        ),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            out.push_str(&format!("<{root}>"));
            for i in &items {
                xml_value(item, i, &mut out);
            }
            out.push_str(&format!("</{root}>"));
            (out, "text/xml; charset=utf-8")
        }
    };
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
    res
}

/// One object (a service definition) as JSON or XML.
pub fn object(format: Format, root: &str, v: Value) -> Response {
    match format {
        Format::Json => {
            let mut res = v.to_string().into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            );
            res
        }
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            xml_value(root, &v, &mut out);
            let mut res = out.into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/xml; charset=utf-8"),
            );
            res
        }
    }
}

/// The specification's error document: `[{"code": 400, "description": "…"}]`.
pub fn error(format: Format, status: StatusCode, description: &str) -> Response {
    let item = serde_json::json!({"code": status.as_u16(), "description": description});
    list(format, "errors", "error", vec![item], status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_escaping() {
        assert_eq!(split("requests.json"), Some(("requests", Format::Json)));
        assert_eq!(split("12.xml"), Some(("12", Format::Xml)));
        assert_eq!(split("requests.csv"), None);
        let mut out = String::new();
        xml_value(
            "description",
            &Value::String("a<b & \"c\"\u{1}".into()),
            &mut out,
        );
        assert_eq!(out, "<description>a&lt;b &amp; &quot;c&quot;</description>");
    }
}

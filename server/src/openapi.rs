//! The OpenAPI document at `/api/openapi.json`. The handlers' `#[utoipa::path]` annotations say
//! what each operation takes and answers; this module adds, once for every operation, what the
//! layers in front of the handlers answer (problem documents for unreadable requests, CSRF
//! refusals, bodies too large), so the document stays true when an annotation forgets one.
//!
//! Rules the finished document keeps (the API tests walk it and check each):
//! - every error answer is `application/problem+json` carrying a `Problem` whose `code` is one
//!   of the codes of that status (`ErrorCode::status`);
//! - path parameters are exactly the `{names}` of the path; query structs say
//!   `#[into_params(parameter_in = Query)]`;
//! - operation ids are unique: `<tag>_<handler>`.

use axum::http::StatusCode;
use shared::error::ErrorCode;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{Components, Content, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};

/// The media type of every error answer (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Linju API",
        description = "邻聚 — community grid governance. Errors are application/problem+json with a stable `code`. \
            State-changing requests need the `X-Requested-With` header and a same-origin `Origin`.",
        version = "1"
    ),
    paths(openapi_document),
    components(schemas(shared::error::Problem, shared::error::ErrorCode, shared::error::FieldErrorCode)),
    tags(
        (name = "accounts", description = "Sign-in, sessions and user administration"),
        (name = "places", description = "The grid hierarchy: street → community → grid → micro-grid → building → household"),
        (name = "residents", description = "The residents registry; sensitive fields are masked unless revealed (audited)"),
        (name = "cases", description = "Problems raised, from report to verified closure"),
        (name = "board", description = "The status board and its live stream"),
        (name = "map", description = "Map features by bounding box and layer; where a point lies"),
        (name = "council", description = "Grid deliberation (网格议事): agenda items, support, ballots, meetings"),
        (name = "mediation", description = "People's mediation (人民调解) of neighbour disputes"),
        (name = "care", description = "Care for special groups: pairings, visits, errands, meals, mailbox, volunteers"),
        (name = "open311", description = "Open311 GeoReport v2 (at /open311/v2, by API key) and its keys"),
        (name = "audit", description = "Who read or changed what"),
        (name = "proxy", description = "代办: acting on a resident's behalf, in their presence, and the notices they read"),
        (name = "stats", description = "Statistics (统计分析): headline figures, trends and breakdowns"),
        (name = "directives", description = "督办: instructions with a deadline on a case, a council decision or a mediation agreement term, followed to acceptance"),
        (name = "supervision", description = "Supervision (督办与预警): warnings and the escalation ladder per category"),
        (name = "operations", description = "Health and the API description")
    )
)]
pub struct ApiDoc;

/// This document. (Documented here; served by the route in `router`.)
#[utoipa::path(get, path = "/api/openapi.json", extensions(("x-permission" = json!("public"))), tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 description of this API", content_type = "application/json", body = Object)))]
#[allow(dead_code)]
async fn openapi_document() {}

/// Finishes the collected document: shared problem answers, unique operation ids.
pub struct Finish;

impl Modify for Finish {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let codes = codes_by_status(doc);
        let components = doc.components.get_or_insert_with(Components::new);
        for (status, codes) in &codes {
            components.responses.insert(
                response_name(*status),
                RefOr::T(problem_response(*status, codes)),
            );
        }
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in operations_mut(item) {
                finish_operation(path, method, op, &codes);
            }
        }
    }
}

/// The error codes of each status, read from the documented `ErrorCode` schema (so a new code
/// is documented with its status as soon as it exists).
fn codes_by_status(doc: &utoipa::openapi::OpenApi) -> BTreeMap<u16, Vec<String>> {
    let mut by_status: BTreeMap<u16, Vec<String>> = BTreeMap::new();
    let schema = doc
        .components
        .as_ref()
        .and_then(|c| c.schemas.get("ErrorCode"))
        .and_then(|s| serde_json::to_value(s).ok());
    let names = schema
        .as_ref()
        .and_then(|s| s.get("enum"))
        .and_then(|e| e.as_array())
        .cloned()
        .unwrap_or_default();
    for name in names {
        if let Ok(code) = serde_json::from_value::<ErrorCode>(name.clone())
            && let Some(name) = name.as_str()
        {
            by_status
                .entry(code.status())
                .or_default()
                .push(name.to_string());
        }
    }
    by_status
}

/// `404` → `NotFound`: the status's reason phrase in one word.
fn response_name(status: u16) -> String {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Problem")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .collect()
}

fn problem_content(codes: &[String]) -> Content {
    let code = ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes.iter().cloned()))
        .build();
    let schema = AllOfBuilder::new()
        .item(Ref::from_schema_name("Problem"))
        .item(ObjectBuilder::new().property("code", code))
        .build();
    Content::new(Some(RefOr::T(Schema::AllOf(schema))))
}

fn problem_response(status: u16, codes: &[String]) -> Response {
    let list = codes
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let mut response = Response::new(format!(
        "{reason}: a problem document ({PROBLEM_JSON}) with `code` {list}."
    ));
    response
        .content
        .insert(PROBLEM_JSON.to_string(), problem_content(codes));
    response
}

/// Whether a handler's annotation documents this answer as a `Problem`.
fn is_problem(response: &Response) -> bool {
    response.content.values().any(|c| {
        matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location == "#/components/schemas/Problem")
    })
}

fn operations_mut(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
        ("head", item.head.as_mut()),
        ("options", item.options.as_mut()),
        ("trace", item.trace.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
    .collect()
}

fn finish_operation(
    path: &str,
    method: &str,
    op: &mut Operation,
    codes: &BTreeMap<u16, Vec<String>>,
) {
    if let (Some(id), Some(tag)) = (&op.operation_id, op.tags.as_ref().and_then(|t| t.first()))
        && !id.starts_with(&format!("{tag}_"))
    {
        op.operation_id = Some(format!("{tag}_{id}"));
    }

    // What the layers answer before (or instead of) the handler.
    let params = op.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| params.iter().any(|p| p.parameter_in == place);
    // `http::query_text_guard` reads every query string, declared parameters or not, and
    // `http::path_text_guard` every path parameter, on every route: text that is not UTF-8
    // is 400, text with control characters 422 `invalid_text`.
    let mut layers = BTreeSet::from([400, 422]);
    if path.starts_with("/api/") {
        // `http::csrf_guard`: cross-site reads; unsafe methods without our header or origin,
        // or with a content type an HTML form can send.
        layers.insert(403);
        if !matches!(method, "get" | "head" | "options") {
            layers.insert(415);
        }
        if op.request_body.is_some() {
            // `ApiJson` and the body limits: unreadable, too large, not JSON.
            layers.extend([400, 413, 415]);
        }
        if has(ParameterIn::Query) {
            // A query string that does not parse.
            layers.insert(400);
        }
        if has(ParameterIn::Path) {
            // `ApiPath`: a path parameter that does not parse names nothing.
            layers.insert(404);
        }
    }

    if takes_idempotency_key(path, method) {
        op.parameters
            .get_or_insert_with(Vec::new)
            .push(idempotency_key_parameter());
        // `idempotency`: a key still being answered, or whose answer was lost (409); a key
        // sent again with another request (422); a key that is not 1–200 visible characters (400).
        layers.extend([400, 409, 422]);
    }

    let responses = &mut op.responses.responses;
    for (status, response) in responses.iter_mut() {
        let Ok(status) = status.parse::<u16>() else {
            continue;
        };
        let Some(codes) = codes.get(&status) else {
            continue;
        };
        // Every error under /api is rendered as a problem document (`http::render_problems`).
        let is_api_error = path.starts_with("/api/");
        if let RefOr::T(r) = response
            && (is_problem(r) || (is_api_error && r.content.is_empty()))
        {
            if r.description.trim().is_empty() {
                *response = RefOr::Ref(Ref::from_response_name(response_name(status)));
            } else {
                r.content = [(PROBLEM_JSON.to_string(), problem_content(codes))]
                    .into_iter()
                    .collect();
            }
        }
    }
    for status in layers {
        let Some(codes) = codes.get(&status) else {
            continue;
        };
        responses
            .entry(status.to_string())
            .and_modify(|response| {
                // An answer of the handler's own format (Open311's error list) is also served
                // as a problem document when a layer answers first.
                if let RefOr::T(r) = response
                    && !r.content.contains_key(PROBLEM_JSON)
                {
                    r.content
                        .insert(PROBLEM_JSON.to_string(), problem_content(codes));
                }
            })
            .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response_name(status))));
    }
}

/// The operations `idempotency::layer` serves (`idempotency::takes_key`).
fn takes_idempotency_key(path: &str, method: &str) -> bool {
    method
        .to_ascii_uppercase()
        .parse::<axum::http::Method>()
        .is_ok_and(|m| crate::idempotency::takes_key(&m, path))
}

/// The `Idempotency-Key` request header, the same on every write that takes it.
fn idempotency_key_parameter() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::Required;
    use utoipa::openapi::path::ParameterBuilder;
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(format!(
            "A key the client makes for one logical submission (a UUID) and sends again with \
             every retry of it. The first request that writes is done once; a repeat gets the \
             first answer again (with `Idempotent-Replayed: true`) and writes nothing. The same \
             key with another request is 422 `idempotency_key_reused`; a repeat while the first is \
             being answered is 409 `idempotency_in_progress`; a repeat after the server stopped \
             between committing and answering is 409 `idempotency_answer_lost` (done once, answer \
             gone). Keys are per user (per API key for Open311) and kept for {} hours.",
            crate::idempotency::KEEP.as_secs() / 3600
        )))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(crate::idempotency::MAX_KEY_LEN))
                .pattern(Some("^[!-~]+$")),
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn responses_are_named_by_their_reason() {
        assert_eq!(response_name(404), "NotFound");
        assert_eq!(response_name(422), "UnprocessableEntity");
        assert_eq!(response_name(415), "UnsupportedMediaType");
    }

    /// `{id}` and `{item_id}` of `/council/meetings/{id}/items/{item_id}`.
    fn template_names(path: &str) -> BTreeSet<String> {
        path.split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
            .collect()
    }

    fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
        match v.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .strip_prefix("#/")
                .map(|p| p.split('/').fold(doc, |v, k| &v[k]))
                .unwrap_or(&Value::Null),
            None => v,
        }
    }

    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }

    /// Walks the document as served and lists every way it misdescribes the server.
    fn misdescriptions(doc: &Value) -> Vec<String> {
        let mut out = Vec::new();
        let tags: BTreeSet<&str> = doc["tags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str())
            .collect();
        let mut operation_ids = BTreeMap::<String, String>::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                let at = format!("{} {path}", method.to_uppercase());
                let params: Vec<&Value> =
                    op["parameters"].as_array().into_iter().flatten().collect();
                let in_path: BTreeSet<String> = params
                    .iter()
                    .filter(|p| p["in"] == "path")
                    .filter_map(|p| p["name"].as_str().map(str::to_string))
                    .collect();
                let template = template_names(path);
                for name in in_path.difference(&template) {
                    out.push(format!(
                        "{at}: parameter `{name}` is declared in: path but is not in the path (a query parameter? `#[into_params(parameter_in = Query)]`)"
                    ));
                }
                for name in template.difference(&in_path) {
                    out.push(format!("{at}: path parameter `{name}` is not declared"));
                }
                let takes_query = params.iter().any(|p| p["in"] == "query");
                let takes_body = op.get("requestBody").is_some();
                let responses = op["responses"].as_object().expect("responses");
                if (takes_query || takes_body)
                    && path.starts_with("/api/")
                    && !responses.contains_key("400")
                {
                    out.push(format!("{at}: `400 malformed_request` (an unreadable query or body) is not documented"));
                }
                // `http::path_text_guard` and `http::query_text_guard` answer on every route.
                for status in ["400", "422"] {
                    let served = resolve(doc, responses.get(status).unwrap_or(&Value::Null));
                    if served["content"].get(PROBLEM_JSON).is_none() {
                        out.push(format!(
                            "{at}: `{status}` (text that breaks the text rule in the path or query) is not documented as {PROBLEM_JSON}"
                        ));
                    }
                }
                for (status, response) in responses {
                    let response = resolve(doc, response);
                    let content = response["content"].as_object();
                    let types: BTreeSet<&str> = content
                        .into_iter()
                        .flat_map(|c| c.keys().map(String::as_str))
                        .collect();
                    // A `Problem` documented under any other media type than its own.
                    let problem_elsewhere = content.into_iter().flatten().any(|(t, c)| {
                        let mut named = Vec::new();
                        refs(c, &mut named);
                        t != PROBLEM_JSON && named.contains(&"#/components/schemas/Problem")
                    });
                    let is_error = status.parse::<u16>().is_ok_and(|s| s >= 400);
                    // Outside /api (Open311) an error may also come in the handler's own format.
                    if problem_elsewhere
                        || (is_error
                            && path.starts_with("/api/")
                            && types != BTreeSet::from([PROBLEM_JSON]))
                    {
                        out.push(format!(
                            "{at}: {status} is served as {PROBLEM_JSON} but documented as {types:?}"
                        ));
                    }
                }
                match op["operationId"].as_str() {
                    Some(id) => {
                        if let Some(other) = operation_ids.insert(id.to_string(), at.clone()) {
                            out.push(format!("{at}: operationId `{id}` is also {other}'s"));
                        }
                    }
                    None => out.push(format!("{at}: no operationId")),
                }
                for tag in op["tags"].as_array().into_iter().flatten() {
                    if !tags.contains(tag.as_str().unwrap_or_default()) {
                        out.push(format!("{at}: tag {tag} is not declared"));
                    }
                }
            }
        }
        let mut all = Vec::new();
        refs(doc, &mut all);
        for r in all {
            if resolve(doc, &serde_json::json!({ "$ref": r })).is_null() {
                out.push(format!("{r} refers to nothing"));
            }
        }
        out
    }

    #[test]
    fn the_document_describes_the_server_truly() {
        let doc = serde_json::to_value(crate::openapi()).unwrap();
        let wrong = misdescriptions(&doc);
        assert!(
            wrong.is_empty(),
            "{} misdescriptions:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn writes_document_the_idempotency_key() {
        let doc = serde_json::to_value(crate::openapi()).unwrap();
        let header = |path: &str, method: &str| {
            doc["paths"][path][method]["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["name"] == "Idempotency-Key")
                .cloned()
        };
        let create = header("/api/v1/cases", "post").expect("documented on a create");
        assert_eq!(create["in"], "header");
        assert_eq!(create["required"], false);
        assert!(
            header("/open311/v2/{file}", "post").is_some(),
            "and on Open311's"
        );
        assert!(header("/api/v1/cases", "get").is_none(), "reads take none");
        let conflict = resolve(
            &doc,
            &doc["paths"]["/api/v1/cases"]["post"]["responses"]["409"],
        );
        let codes =
            &conflict["content"][PROBLEM_JSON]["schema"]["allOf"][1]["properties"]["code"]["enum"];
        assert!(
            codes
                .as_array()
                .unwrap()
                .contains(&serde_json::json!("idempotency_in_progress")),
            "{codes}"
        );
    }

    #[test]
    fn problem_answers_name_the_codes_of_their_status() {
        let doc = serde_json::to_value(crate::openapi()).unwrap();
        let not_found = &doc["components"]["responses"]["NotFound"];
        assert_eq!(
            not_found["content"][PROBLEM_JSON]["schema"]["allOf"][1]["properties"]["code"]["enum"],
            serde_json::json!(["not_found"])
        );
        let conflict = &doc["components"]["responses"]["Conflict"]["content"][PROBLEM_JSON];
        let codes = conflict["schema"]["allOf"][1]["properties"]["code"]["enum"]
            .as_array()
            .unwrap();
        assert!(
            codes.contains(&serde_json::json!("version_conflict")),
            "{codes:?}"
        );
        // A response with its own words keeps them and is served as a problem too.
        let delete = &doc["paths"]["/api/v1/places/{id}"]["delete"]["responses"]["409"];
        assert!(delete["description"].as_str().unwrap().contains("children"));
        assert!(delete["content"].get(PROBLEM_JSON).is_some());
        // The residents list takes its filters from the query string.
        let params = doc["paths"]["/api/v1/residents"]["get"]["parameters"]
            .as_array()
            .unwrap();
        for p in params {
            assert_eq!(p["in"], "query", "{p}");
        }
    }

    /// The walk itself finds what it is there to find.
    #[test]
    fn the_walk_catches_each_kind_of_misdescription() {
        let doc = serde_json::json!({
            "tags": [{"name": "places"}],
            "paths": {"/api/v1/residents/{id}": {
                "delete": {"operationId": "x", "tags": ["places"], "parameters": [
                    {"name": "id", "in": "path"}, {"name": "version", "in": "path"}],
                    "responses": {"204": {"description": ""},
                                  "404": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}}},
                "get": {"operationId": "x", "tags": ["nowhere"], "parameters": [{"name": "q", "in": "query"}],
                    "responses": {"200": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Gone"}}}}}}
            }},
            "components": {"schemas": {"Problem": {}}}
        });
        let wrong = misdescriptions(&doc).join("\n");
        for expected in [
            "parameter `version` is declared in: path",
            "404 is served as application/problem+json",
            "path parameter `id` is not declared",
            "operationId `x` is also",
            "tag \"nowhere\" is not declared",
            "#/components/schemas/Gone refers to nothing",
            "`400 malformed_request`",
            "`422` (text that breaks the text rule in the path or query)",
        ] {
            assert!(
                wrong.contains(expected),
                "missing {expected:?} in:\n{wrong}"
            );
        }
    }

    /// The name utoipa gives a type's schema: `schema(as = …)` or the type's own name.
    fn schema_name(ident: &syn::Ident, attrs: &[syn::Attribute]) -> Option<String> {
        use quote::ToTokens;
        let text: Vec<String> = attrs
            .iter()
            .map(|a| a.meta.to_token_stream().to_string().replace(' ', ""))
            .collect();
        if !text.iter().any(|t| t.contains("ToSchema")) {
            return None;
        }
        let renamed = text.iter().find_map(|t| {
            let rest = &t[t.find("schema(")?..];
            let name = rest.split_once("as=")?.1;
            Some(name.split([',', ')']).next()?.replace("::", "."))
        });
        Some(renamed.unwrap_or_else(|| ident.to_string()))
    }

    fn schema_names(items: &[syn::Item], file: &str, out: &mut BTreeMap<String, Vec<String>>) {
        for item in items {
            let named = match item {
                syn::Item::Struct(s) => schema_name(&s.ident, &s.attrs).map(|n| (n, &s.ident)),
                syn::Item::Enum(e) => schema_name(&e.ident, &e.attrs).map(|n| (n, &e.ident)),
                syn::Item::Mod(m) => {
                    if let Some((_, items)) = &m.content {
                        schema_names(items, file, out);
                    }
                    None
                }
                _ => None,
            };
            if let Some((name, ident)) = named {
                out.entry(name)
                    .or_default()
                    .push(format!("{file}: {ident}"));
            }
        }
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Schemas are one namespace in the document: two types of one name would be documented as
    /// one of them (the mediation party once stood for the responsible party). Every type that
    /// derives `ToSchema` in the crates the server documents must have a name of its own.
    #[test]
    fn schema_names_are_unique() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rust_files(&root.join("src"), &mut files);
        rust_files(&root.join("../shared/src"), &mut files);
        let mut names = BTreeMap::new();
        for file in &files {
            let source = std::fs::read_to_string(file).unwrap();
            let parsed = syn::parse_file(&source).unwrap_or_else(|e| panic!("{file:?}: {e}"));
            schema_names(&parsed.items, &file.display().to_string(), &mut names);
        }
        assert!(
            names.len() > 50,
            "found only {} schemas: is the scan blind?",
            names.len()
        );
        let twice: Vec<String> = names
            .iter()
            .filter(|(_, at)| at.len() > 1)
            .map(|(name, at)| format!("{name}: {}", at.join(", ")))
            .collect();
        assert!(
            twice.is_empty(),
            "schema names given twice:\n{}",
            twice.join("\n")
        );
        assert!(
            names.contains_key("ResponsiblePartyInput"),
            "`schema(as = …)` is read"
        );
    }
}

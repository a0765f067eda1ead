//! Network sinks of calls: a request's constant URL target, forms the code built, and
//! secret data that reaches a request (exfiltration).

use super::fold::Sym;
use super::AstScan;
use crate::engine::scan::RuleId;
use oxc_ast::ast::*;
use oxc_span::Span;

const NET_SINK_METHODS: &[&str] = &["send", "write", "request", "post", "put", "sendBeacon"];

impl AstScan<'_> {
    pub(super) fn check_net_sink(&mut self, c: &CallExpression<'_>, sym: Option<&Sym>) {
        let net_module = sym.is_some_and(|s| {
            [
                "module:http",
                "module:https",
                "module:net",
                "module:dgram",
                "module:dns",
                "module:tls",
            ]
            .iter()
            .any(|m| s.path.starts_with(m))
        });
        let member = c.callee.without_parentheses().as_member_expression();
        let method = member.and_then(|m| m.static_property_name());
        // `.send`/`.write`/`.end` count only on a client this code made (a server writing
        // its response is not sending secrets away).
        let client = member.is_some_and(|m| match m.object().without_parentheses() {
            Expression::Identifier(id) => self
                .env
                .ref_key(id)
                .is_some_and(|k| self.clients.contains(&k)),
            other => self.is_client(other),
        });
        let sink = (net_module && method.is_none_or(|m| m != "createServer"))
            || (client && method.is_some_and(|m| NET_SINK_METHODS.contains(&m) || m == "end"))
            || method.is_some_and(|m| m == "sendBeacon");
        if sink && !c.arguments.is_empty() {
            if let Some(secret) = self.mentions_secret(&c.arguments) {
                self.exfiltration(c.span, secret, method.unwrap_or("call"));
            }
        }
    }

    /// A constant `http(s)` URL as the request's target of the finding just added: what a
    /// network grant can be matched against. Anything computed stays unknown.
    pub(super) fn set_url_target(&mut self, arg: Option<&Argument<'_>>) {
        let Some(url) = arg
            .and_then(|a| a.as_expression())
            .and_then(|e| self.fold(e))
        else {
            return;
        };
        if url.hidden || url.decoded {
            return;
        }
        let lower = url.value.to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            return;
        }
        if let Some(r) = self.findings.last_mut() {
            r.target = Some(crate::engine::scan::Target::Url(url.value.into_string()));
        }
    }

    /// `form.submit()` of a form the code built: a request carrying its fields.
    pub(super) fn check_form_submit(&mut self, c: &CallExpression<'_>) {
        let Some(m) = c.callee.without_parentheses().as_member_expression() else {
            return;
        };
        if !matches!(m.static_property_name(), Some("submit" | "requestSubmit")) {
            return;
        }
        let Expression::Identifier(id) = m.object().without_parentheses() else {
            return;
        };
        let form = self
            .env
            .ref_key(id)
            .and_then(|k| self.elements.get(&k).copied())
            == Some(super::Element::Form);
        if !form {
            return;
        }
        match self.form_secret {
            Some(secret) => self.exfiltration(c.span, secret, "a form the code built"),
            None => {
                let detail = "submits a form the code built".to_string();
                self.add(RuleId::NetworkFetch, c.span, None, detail);
            }
        }
    }

    /// Secret data reaches a request: exfiltration; the environment sent away is also the
    /// process access it is.
    pub(super) fn exfiltration(&mut self, span: Span, secret: super::finder::Secret, via: &str) {
        let detail = format!("{} reach `{via}`", secret.name());
        let ev = [crate::engine::scan::Evidence::SecretToNetwork];
        self.add_ev(RuleId::Exfiltration, span, None, detail.clone(), &ev);
        if secret == super::finder::Secret::Env {
            self.add_ev(RuleId::ProcessEnv, span, None, detail, &ev);
        }
    }
}

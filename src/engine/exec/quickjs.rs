//! The in-process QuickJS executor (rquickjs): a fresh Runtime and Context per run on a
//! dedicated thread.

use super::{
    CancelToken, ExecEvent, ExecOutcome, ExecRequest, Executor, ExecutorInfo, JsError, Outcome,
};

pub const NAME: &str = "quickjs";

#[derive(Debug, Default)]
pub struct QuickJsExecutor {}

impl QuickJsExecutor {
    pub fn new() -> Self {
        QuickJsExecutor {}
    }

    pub fn info() -> ExecutorInfo {
        ExecutorInfo {
            name: NAME.to_string(),
            description: "QuickJS in this process, on a dedicated thread".to_string(),
            available: true,
            reason: "always available".to_string(),
            strength: 1,
            warning: Some(
                "in-process: a QuickJS memory bug or an uninterruptible builtin affects the workbench itself"
                    .to_string(),
            ),
        }
    }
}

impl Executor for QuickJsExecutor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn run(
        &self,
        req: &ExecRequest,
        _cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome {
        // Placeholder until the engine lands (issue 2).
        let out = ExecOutcome::not_run(
            NAME,
            req,
            Outcome::Crashed,
            Some(JsError {
                name: "Error".into(),
                message: "not implemented".into(),
                stack: String::new(),
            }),
        );
        on_event(ExecEvent::Finished(Box::new(out.clone())));
        out
    }
}

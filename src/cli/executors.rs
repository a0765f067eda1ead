//! `sandbench executors`: what runs here, and what `auto` picks.

use crate::engine::exec;
use clap::Args;

#[derive(Debug, Args)]
pub struct ExecutorsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub(crate) fn main(args: ExecutorsArgs) -> u8 {
    let infos = exec::detect();
    let auto = exec::auto_name();
    if args.json {
        let v = serde_json::json!({ "auto": auto, "executors": infos });
        println!("{v}");
    } else {
        for i in &infos {
            let mark = if i.name == auto { "*" } else { " " };
            let avail = if i.available {
                "available"
            } else {
                "unavailable"
            };
            println!("{mark} {:<18} {:<12} {}", i.name, avail, i.reason);
            if let Some(w) = &i.warning {
                println!("  {:<18} warning: {w}", "");
            }
        }
        println!("auto → {auto}");
    }
    super::EXIT_OK
}

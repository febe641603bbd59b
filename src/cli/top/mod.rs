//! `raftctl top`: a live view of the cluster, refreshed every `--interval`. On a
//! terminal a full-screen view ([`tui`]); otherwise (a pipe, `--plain`, `-o json`) one
//! summary line and table, or one JSON line, per refresh ([`plain`]).
//!
//! The parts: [`poll`] asks the members in the background (status, metrics, the member
//! list), [`prom`] reads the metrics text, [`model`] turns the answers into rows with
//! rates and percentiles, [`cells`] into words and columns. Only [`tui`] knows the
//! terminal, so everything else is tested without one.

pub mod cells;
pub mod model;
pub mod plain;
pub mod poll;
pub mod prom;
pub mod tui;

use std::io::IsTerminal as _;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::args::{GlobalArgs, OutputFormat, TopArgs};
use super::error::CliResult;
use super::output::Out;
use super::runtime;
use model::{Model, View};
use poll::Poller;
use tui::{Input, Screen};

/// How often answers are collected and due requests started, between two refreshes.
const STEP: Duration = Duration::from_millis(50);

/// Runs `raftctl top`.
pub fn run(args: &TopArgs, global: &GlobalArgs, out: &mut Out) -> CliResult {
    let client = global.client()?;
    let rt = runtime()?;
    let json = global.output == OutputFormat::Json;
    let on_terminal = !json && !args.plain && std::io::stdout().is_terminal();
    rt.block_on(async {
        let poller = Poller::new(client, args.interval);
        if on_terminal {
            let (send, mut inputs) = mpsc::unbounded_channel();
            let mut screen = Screen::enter(args.interval, send)?;
            screen.draw(None)?;
            refresh(poller, args, Some(&mut inputs), |v| screen.draw(Some(v))).await
        } else if json {
            refresh(poller, args, None, |v| plain::show_json(out, v)).await
        } else {
            refresh(poller, args, None, |v| plain::show_table(out, v)).await
        }
    })
}

/// The refresh loop: collects answers every [`STEP`], shows a view every interval (and
/// again on [`Input::Redraw`]), until `--count` views were shown, [`Input::Quit`], or
/// Ctrl-C (SIGINT) where no terminal turns it into a key.
async fn refresh(
    mut poller: Poller,
    args: &TopArgs,
    mut inputs: Option<&mut mpsc::UnboundedReceiver<Input>>,
    mut show: impl FnMut(&View) -> CliResult,
) -> CliResult {
    let mut model = Model::new();
    let mut next = Instant::now() + args.interval;
    let mut shown = 0u64;
    let mut last: Option<View> = None;
    poller.step(Instant::now().into_std());
    loop {
        let input = async {
            match inputs.as_deref_mut() {
                Some(rx) => rx.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(STEP) => {}
            i = input => match i {
                Some(Input::Redraw) => {
                    if let Some(v) = &last {
                        show(v)?;
                    }
                }
                Some(Input::Quit) | None => return Ok(()),
            },
            // (Without a handler for SIGINT, Ctrl-C would end the process anyway.)
            r = tokio::signal::ctrl_c() => if r.is_ok() {
                return Ok(());
            },
        }
        let now = Instant::now();
        poller.step(now.into_std());
        if now < next {
            continue;
        }
        let view = model.update(
            &poller.observations(now.into_std()),
            poller.members_error.clone(),
        );
        show(&view)?;
        shown += 1;
        if args.count.is_some_and(|c| shown >= c) {
            return Ok(());
        }
        // A refresh that came late (a slow terminal) does not make the next ones hurry.
        next = (next + args.interval).max(now + args.interval / 2);
        last = Some(view);
    }
}

//! `raftctl top` on a terminal: the alternate screen in raw mode, redrawn at each
//! refresh and at each resize, with the summary, the members' table (as many columns
//! as fit) and a sparkline of writes per second; `q`, Esc and Ctrl-C quit.
//!
//! [`Screen`] owns the terminal: dropping it (at the end, on an error) restores the
//! terminal, and so does ratatui's panic hook, installed when it is entered. Keys and
//! resizes are read on a thread of their own and sent to the refresh loop as [`Input`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Row as TableRow, Sparkline, Table};
use ratatui::{DefaultTerminal, Frame};
use tokio::sync::mpsc;

use super::cells::{fit, summary, COLUMNS};
use super::model::{State, View};
use crate::cli::error::{CliError, CliResult};

/// What the keyboard and the terminal ask of the refresh loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Quit,
    /// The terminal was resized: draw again now.
    Redraw,
}

/// The sparkline's height at most, its border included.
const SPARKLINE_HEIGHT: u16 = 10;

/// How often the input thread looks whether it should stop.
const INPUT_POLL: Duration = Duration::from_millis(100);

/// The terminal while `top` shows on it.
pub struct Screen {
    terminal: DefaultTerminal,
    interval: Duration,
    stop: Arc<AtomicBool>,
    reader: Option<JoinHandle<()>>,
}

impl Screen {
    /// Raw mode and the alternate screen, and the thread that reads keys into `inputs`.
    pub fn enter(interval: Duration, inputs: mpsc::UnboundedSender<Input>) -> CliResult<Screen> {
        let terminal = ratatui::try_init().map_err(|e| {
            // Raw mode may be on even though the alternate screen failed.
            let _ = ratatui::try_restore();
            CliError::failure(format!("cannot take over the terminal: {e}"))
        })?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let reader = std::thread::Builder::new()
            .name("top-input".into())
            .spawn(move || read_inputs(&flag, &inputs))
            .map_err(|e| {
                ratatui::restore();
                CliError::failure(format!("cannot start the input thread: {e}"))
            })?;
        Ok(Screen {
            terminal,
            interval,
            stop,
            reader: Some(reader),
        })
    }

    /// Draws `view`, or a line saying the first answers are awaited.
    pub fn draw(&mut self, view: Option<&View>) -> CliResult {
        let interval = self.interval;
        self.terminal
            .draw(|frame| match view {
                Some(v) => render(frame, v, interval),
                None => frame.render_widget(
                    Line::from("raftctl top: asking the members..."),
                    frame.area(),
                ),
            })
            .map(|_| ())
            .map_err(|e| CliError::failure(format!("cannot draw on the terminal: {e}")))
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        let _ = self.terminal.show_cursor();
        ratatui::restore();
    }
}

/// Reads terminal events until `stop` is set or the loop is gone.
fn read_inputs(stop: &AtomicBool, inputs: &mpsc::UnboundedSender<Input>) {
    while !stop.load(Ordering::Relaxed) {
        let input = match event::poll(INPUT_POLL) {
            Ok(false) => continue,
            Ok(true) => match event::read() {
                Ok(e) => input_of(&e),
                Err(_) => Some(Input::Quit),
            },
            // No terminal to read from any more.
            Err(_) => Some(Input::Quit),
        };
        if let Some(i) = input {
            if inputs.send(i).is_err() || i == Input::Quit {
                return;
            }
        }
    }
}

/// `q`, Esc and Ctrl-C quit; a resize redraws; anything else is ignored.
pub fn input_of(e: &Event) -> Option<Input> {
    match e {
        Event::Key(k) if k.kind != KeyEventKind::Release => match k.code {
            KeyCode::Char('q') | KeyCode::Char('Q') | KeyCode::Esc => Some(Input::Quit),
            KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => Some(Input::Quit),
            _ => None,
        },
        Event::Resize(..) => Some(Input::Redraw),
        _ => None,
    }
}

/// The whole screen: title, summary, the member list's error, the table, the sparkline.
fn render(frame: &mut Frame, view: &View, interval: Duration) {
    let area = frame.area();
    let table_height = u16::try_from(view.members.len() + 1).unwrap_or(u16::MAX);
    let [title, line, error, table, spark] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(view.members_error.is_some())),
        Constraint::Length(table_height),
        Constraint::Max(SPARKLINE_HEIGHT),
    ])
    .areas(area);
    frame.render_widget(
        Line::from(format!(
            "raftctl top: every {}; q quits",
            humantime::format_duration(interval)
        ))
        .style(Style::new().add_modifier(Modifier::BOLD)),
        title,
    );
    frame.render_widget(Line::from(summary(view)), line);
    if let Some(e) = &view.members_error {
        let text = format!("member list: {e}");
        frame.render_widget(Line::from(text).style(Style::new().fg(Color::Red)), error);
    }
    render_table(frame, view, table);
    if spark.height >= 3 {
        render_sparkline(frame, view, spark);
    }
}

fn render_table(frame: &mut Frame, view: &View, area: Rect) {
    let chosen = fit(&view.members, usize::from(area.width), 1);
    let widths: Vec<Constraint> = chosen
        .iter()
        .map(|(i, w)| {
            let w = u16::try_from(*w).unwrap_or(u16::MAX);
            // STATE takes what is left: an error shows as far as the edge.
            if COLUMNS[*i].header == "STATE" {
                Constraint::Fill(1)
            } else {
                Constraint::Length(w)
            }
        })
        .collect();
    let header = TableRow::new(chosen.iter().map(|(i, _)| Cell::from(COLUMNS[*i].header)))
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED));
    let rows = view.members.iter().map(|r| {
        let style = match &r.state {
            State::Down { .. } => Style::new().fg(Color::Red),
            State::Waiting { .. } => Style::new().fg(Color::Yellow),
            State::Up if r.role.as_deref() == Some("leader") => {
                Style::new().add_modifier(Modifier::BOLD)
            }
            State::Up => Style::new(),
        };
        TableRow::new(chosen.iter().map(|(i, _)| Cell::from(COLUMNS[*i].cell(r)))).style(style)
    });
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        area,
    );
}

fn render_sparkline(frame: &mut Frame, view: &View, area: Rect) {
    let inner = usize::from(area.width.saturating_sub(2));
    let shown = &view.history[view.history.len().saturating_sub(inner)..];
    let peak = shown.iter().copied().max().unwrap_or(0);
    let title = format!(
        "writes/s, last {} refreshes (peak {peak}, now {})",
        shown.len(),
        shown.last().copied().unwrap_or(0)
    );
    frame.render_widget(
        Sparkline::default()
            .block(Block::bordered().title(title))
            .data(shown)
            .style(Style::new().fg(Color::Green)),
        area,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyEvent, KeyEventState};

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        })
    }

    #[test]
    fn q_esc_and_ctrl_c_quit_and_resizes_redraw() {
        assert_eq!(
            input_of(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Input::Quit)
        );
        assert_eq!(
            input_of(&key(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Input::Quit)
        );
        assert_eq!(
            input_of(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Input::Quit)
        );
        assert_eq!(input_of(&key(KeyCode::Char('c'), KeyModifiers::NONE)), None);
        assert_eq!(input_of(&Event::Resize(80, 24)), Some(Input::Redraw));
    }

    #[test]
    fn a_view_renders_into_a_small_buffer_without_panicking() {
        use ratatui::backend::TestBackend;
        let view = View {
            leader: None,
            term: None,
            leader_changes_seen: 0,
            writes_per_sec: None,
            reads_per_sec: None,
            members_error: Some("no member answered".into()),
            members: Vec::new(),
            history: vec![1, 5, 3],
        };
        for (w, h) in [(120, 30), (20, 4), (1, 1), (0, 0)] {
            let mut t = ratatui::Terminal::new(TestBackend::new(w, h)).expect("terminal");
            t.draw(|f| render(f, &view, Duration::from_secs(1)))
                .expect("draw");
        }
    }
}

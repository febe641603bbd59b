//! The plan of `member replace` from each membership a replacement passes through.

use super::*;
use crate::api::types::Member;

fn member(id: u64, role: &str) -> Member {
    Member {
        id,
        url: format!("http://127.0.0.1:700{id}"),
        client_url: None,
        role: role.into(),
    }
}

fn members(list: &[(u64, &str)], leader: u64) -> MembersResponse {
    MembersResponse {
        members: list.iter().map(|(id, role)| member(*id, role)).collect(),
        leader: Some(leader),
    }
}

fn t34() -> Target {
    Target {
        old: 3,
        new: 4,
        url: MemberUrl::parse("http://127.0.0.1:7004").expect("a URL"),
    }
}

fn error(r: CliResult<Vec<Step>>) -> String {
    r.expect_err("refused").message
}

#[test]
fn each_membership_on_the_way_leaves_the_steps_after_it() {
    use Step::*;
    let t = t34();
    let v = "voter";
    let l = "learner";
    let cases: Vec<(MembersResponse, Vec<Step>)> = vec![
        (
            members(&[(1, v), (2, v), (3, v)], 1),
            vec![AddLearner, CatchUp, Promote, RemoveOld],
        ),
        (
            members(&[(1, v), (2, v), (3, v), (4, l)], 1),
            vec![CatchUp, Promote, RemoveOld],
        ),
        (
            members(&[(1, v), (2, v), (3, v), (4, v)], 1),
            vec![RemoveOld],
        ),
        (
            members(&[(1, v), (2, v), (3, v), (4, v)], 3),
            vec![MoveLeadership, RemoveOld],
        ),
        (
            members(&[(1, v), (2, v), (3, v)], 3),
            vec![AddLearner, CatchUp, Promote, MoveLeadership, RemoveOld],
        ),
        (members(&[(1, v), (2, v), (4, v)], 4), vec![]),
    ];
    for (m, expected) in cases {
        assert_eq!(plan(&m, &t).expect("a plan"), expected, "{m:?}");
    }
}

#[test]
fn what_cannot_be_done_is_refused_with_the_reason() {
    let t = t34();
    let e = error(plan(&members(&[(1, "voter"), (2, "voter")], 1), &t));
    assert!(e.contains("member 3 is not a member"), "{e}");
    let mut m = members(&[(1, "voter"), (3, "voter"), (4, "voter")], 1);
    m.members[2].url = "http://127.0.0.1:7999".into();
    let e = error(plan(&m, &t));
    assert!(
        e.contains("member 4 is already a voter at http://127.0.0.1:7999"),
        "{e}"
    );
    let mut m = members(&[(1, "voter"), (3, "voter")], 1);
    m.members[0].url = "http://127.0.0.1:7004/".into();
    let e = error(plan(&m, &t));
    assert!(e.contains("already used by member 1"), "{e}");
    let e = error(plan(&members(&[(1, "voter"), (3, "learner")], 1), &t));
    assert!(e.contains("member 3 is a learner"), "{e}");
}

#[test]
fn the_same_id_twice_and_a_bad_url_are_usage_errors() {
    let args = |new: u64, url: &str| ReplaceArgs {
        old: 3,
        new,
        url: url.into(),
        dry_run: false,
        catch_up_timeout: Duration::from_secs(1),
    };
    let e = super::target(&args(3, "http://127.0.0.1:7004")).expect_err("same id");
    assert_eq!(e.code, crate::cli::ExitCode::Usage);
    assert!(e.message.contains("--id 3 is the member being replaced"));
    let e = super::target(&args(4, "127.0.0.1:7004")).expect_err("no scheme");
    assert_eq!(e.code, crate::cli::ExitCode::Usage);
}

#[test]
fn the_dry_run_rows_give_quorum_and_fault_tolerance_after_each_step() {
    let t = t34();
    let m = members(&[(1, "voter"), (2, "voter"), (3, "voter")], 3);
    let steps = plan(&m, &t).expect("a plan");
    let rows = plan_rows(&m, &t, &steps);
    let got: Vec<(&str, Vec<u64>, usize, usize)> = rows
        .iter()
        .map(|r| {
            (
                r.step.as_str(),
                r.voters.clone(),
                r.quorum,
                r.fault_tolerance,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("now", vec![1, 2, 3], 2, 1),
            ("add_learner", vec![1, 2, 3], 2, 1),
            ("catch_up", vec![1, 2, 3], 2, 1),
            ("promote", vec![1, 2, 3, 4], 3, 1),
            ("move_leadership", vec![1, 2, 3, 4], 3, 1),
            ("remove_old", vec![1, 2, 4], 2, 1),
        ]
    );
}

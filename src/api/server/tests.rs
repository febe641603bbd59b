use super::*;

#[test]
fn the_cap_leaves_files_and_a_reserve() {
    let cap = ConnectionCap::from_file_limit(Some(20_000));
    assert_eq!(cap.total, 20_000 - 2_500);
    assert_eq!(cap.reserve, cap.total / RESERVE_DIVISOR);
    let small = ConnectionCap::from_file_limit(Some(256));
    assert_eq!(small.total, 128);
    assert_eq!(small.reserve, MIN_RESERVE);
    assert_eq!(
        ConnectionCap::from_file_limit(None).total,
        DEFAULT_MAX_CONNECTIONS
    );
}

//! Typed HTTP client for the API, with endpoint failover and leader following.

//! Client and admin HTTP routes and their JSON types.

//! Fused losses: a linear layer and its loss computed together, a chunk of rows at a time,
//! so that a large vocabulary's logits are never held whole (the language-model head:
//! 8192 tokens × 128k classes are 4 GiB of `f32` logits, and as much again for their gradient).

mod linear_cross_entropy;

pub use linear_cross_entropy::{LinearCrossEntropy, LinearGradients, DEFAULT_CHUNK_ROWS};

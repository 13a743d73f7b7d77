//! How per-sample losses are combined into one number.

/// How a batch of per-sample losses is reduced, defined exactly as in PyTorch.
///
/// - `None`: one value per sample, no reduction.
/// - `Mean`: the (weighted) mean: the sum divided by the number of samples, or by the sum of
///   the weights of the samples that count when the loss takes class weights.
/// - `Sum`: the plain sum.
///
/// The default is `Mean`, as in PyTorch.
///
/// # Example
/// ```
/// use xent::Reduction;
/// assert_eq!(Reduction::default(), Reduction::Mean);
/// assert_eq!("sum".parse::<Reduction>(), Ok(Reduction::Sum));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Reduction {
    /// Keep one value per sample.
    None,
    /// Mean over the samples (weighted where the loss has weights).
    #[default]
    Mean,
    /// Sum over the samples.
    Sum,
}

impl std::str::FromStr for Reduction {
    type Err = crate::Error;

    /// Accepts `none`, `mean` and `sum` (any case).
    ///
    /// # Errors
    /// [`Error::UnknownName`](crate::Error::UnknownName) for anything else.
    fn from_str(s: &str) -> Result<Self, crate::Error> {
        match s.to_ascii_lowercase().as_str() {
            "none" => Ok(Reduction::None),
            "mean" => Ok(Reduction::Mean),
            "sum" => Ok(Reduction::Sum),
            _ => Err(crate::Error::unknown_name(
                "reduction",
                s,
                "none, mean or sum",
            )),
        }
    }
}

//! The unit of information: the base of the logarithm.

use crate::Error;
use std::fmt;
use std::str::FromStr;

/// The base of the logarithm in which an information measure is reported.
///
/// A value in nats (natural log, the library's default) is converted to base `b` by dividing by
/// ln b. Named bases: [`Base::BITS`] (2), [`Base::NATS`] (e), [`Base::BANS`] (10, also called
/// hartleys or dits). Any other finite base `b > 0`, `b ≠ 1` comes from [`Base::new`].
///
/// # Example
/// ```
/// use xent::Base;
/// let bits: Base = "2".parse().unwrap();
/// assert_eq!(bits, Base::BITS);
/// assert_eq!(Base::BITS.from_nats(std::f64::consts::LN_2), 1.0);
/// assert!(Base::new(1.0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Base {
    value: f64,
    ln_value: f64,
}

impl Base {
    /// Natural logarithm (e): nats. The default.
    pub const NATS: Base = Base {
        value: std::f64::consts::E,
        ln_value: 1.0,
    };
    /// Base 2: bits (shannons).
    pub const BITS: Base = Base {
        value: 2.0,
        ln_value: std::f64::consts::LN_2,
    };
    /// Base 10: bans (hartleys).
    pub const BANS: Base = Base {
        value: 10.0,
        ln_value: std::f64::consts::LN_10,
    };

    /// A base `b`, which must be finite, positive and different from 1.
    ///
    /// Exactly 2, e and 10 give the named constants (so their conversion factors are the
    /// correctly rounded ln 2, 1 and ln 10).
    ///
    /// # Errors
    /// [`Error::InvalidBase`] when `b` is NaN, infinite, ≤ 0 or equal to 1.
    ///
    /// # Example
    /// ```
    /// use xent::Base;
    /// let b = Base::new(4.0)?;
    /// assert!((b.from_nats(4f64.ln()) - 1.0).abs() < 1e-15);
    /// # Ok::<(), xent::Error>(())
    /// ```
    pub fn new(b: f64) -> Result<Base, Error> {
        if !(b.is_finite() && b > 0.0 && b != 1.0) {
            return Err(Error::InvalidBase { value: b });
        }
        Ok(if b == 2.0 {
            Base::BITS
        } else if b == 10.0 {
            Base::BANS
        } else if b == std::f64::consts::E {
            Base::NATS
        } else {
            Base {
                value: b,
                ln_value: b.ln(),
            }
        })
    }

    /// The base itself (2 for bits).
    pub fn value(self) -> f64 {
        self.value
    }

    /// ln of the base: the number of nats in one unit of this base.
    pub fn ln(self) -> f64 {
        self.ln_value
    }

    /// Converts a quantity measured in nats into this base: `nats / ln b`.
    ///
    /// ```
    /// use xent::Base;
    /// assert_eq!(Base::NATS.from_nats(0.5), 0.5);
    /// assert!((Base::BANS.from_nats(10f64.ln()) - 1.0).abs() < 1e-15);
    /// ```
    pub fn from_nats(self, nats: f64) -> f64 {
        if self.ln_value == 1.0 {
            nats
        } else {
            nats / self.ln_value
        }
    }

    /// The unit's name: `"nats"`, `"bits"`, `"bans"`, or `"base-<b>"` for any other base.
    pub fn unit(self) -> String {
        if self == Base::NATS {
            "nats".into()
        } else if self == Base::BITS {
            "bits".into()
        } else if self == Base::BANS {
            "bans".into()
        } else {
            format!("base-{} units", crate::Shortest(self.value))
        }
    }
}

impl Default for Base {
    fn default() -> Self {
        Base::NATS
    }
}

impl fmt::Display for Base {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.unit())
    }
}

impl FromStr for Base {
    type Err = Error;

    /// Accepts `2`, `bits`, `e`, `nats`, `10`, `bans`, `hartleys`, or any number accepted by
    /// [`Base::new`].
    fn from_str(s: &str) -> Result<Base, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "2" | "bit" | "bits" | "shannon" | "shannons" => Ok(Base::BITS),
            "e" | "nat" | "nats" => Ok(Base::NATS),
            "10" | "ban" | "bans" | "hartley" | "hartleys" | "dit" | "dits" => Ok(Base::BANS),
            other => match other.parse::<f64>() {
                Ok(b) => Base::new(b),
                Err(_) => Err(Error::UnknownBase {
                    text: crate::shortest::excerpt(s, crate::shortest::EXCERPT_CHARS),
                }),
            },
        }
    }
}

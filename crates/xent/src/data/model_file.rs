//! Model files: a [`Model`]'s JSON (see its docs for the format) written atomically and read
//! within a size limit.

use crate::train::Model;
use crate::Error;
use std::path::Path;

/// The largest model file [`load_model`] reads: 1 GiB of JSON (about 50 million weights).
pub const MAX_MODEL_BYTES: u64 = 1 << 30;

/// Writes the model to a JSON file, atomically: a write that fails half-way (a full disk)
/// leaves the file that was there before intact.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written.
///
/// # Example
/// ```
/// use xent::train::{Model, ModelKind};
/// let path = std::env::temp_dir().join(format!("xent-doc-model-{}.json", std::process::id()));
/// let model = Model::new(ModelKind::Softmax, 4, 3, 7);
/// xent::data::save_model(&model, &path)?;
/// assert_eq!(xent::data::load_model(&path)?, model);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), xent::Error>(())
/// ```
pub fn save_model(model: &Model, path: &Path) -> Result<(), Error> {
    let text = model.to_json();
    super::write_atomically(path, |w| w.write_all(text.as_bytes()))
}

/// Reads a model from a JSON file of at most [`MAX_MODEL_BYTES`].
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::InputTooLarge`] above the limit,
/// [`Error::Format`] for bytes that are not UTF-8, and the errors of [`Model::from_json`].
pub fn load_model(path: &Path) -> Result<Model, Error> {
    let bytes = super::read_capped(path, MAX_MODEL_BYTES, "a model file")?;
    let text = String::from_utf8(bytes).map_err(|e| Error::Format {
        format: "model",
        reason: format!(
            "byte {} is not UTF-8 text",
            e.utf8_error().valid_up_to() + 1
        ),
    })?;
    Model::from_json(&text)
}

//! Training curves as an SVG file (plotters).

use plotters::prelude::*;
use std::path::Path;
use xent::eval::Bin;
use xent::train::{EpochReport, Metric};

/// What the curves of the held-out set are called, and the epoch whose model was kept.
pub struct Watched<'a> {
    /// "test", or "validation" with early stopping.
    pub name: &'a str,
    /// With early stopping, the epoch of the least validation loss (marked on both panels).
    pub kept: Option<usize>,
}

/// Two panels side by side: training and held-out loss, and training and held-out accuracy
/// (MSE for regression), against the epoch. SVG or PNG, by the file's extension.
pub fn training_curves(
    path: &Path,
    reports: &[EpochReport],
    watched: &Watched<'_>,
) -> Result<(), String> {
    let png = check_extension(path)?;
    register_font()?;
    if png {
        write_png(path, |temp| {
            draw(
                BitMapBackend::new(temp, SIZE).into_drawing_area(),
                reports,
                watched,
            )
        })
    } else {
        let mut svg = String::new();
        draw(
            SVGBackend::with_string(&mut svg, SIZE).into_drawing_area(),
            reports,
            watched,
        )
        .map_err(|e| cannot_write(path, &e))?;
        write_svg(path, &svg)
    }
}

/// An SVG document written atomically.
fn write_svg(path: &Path, svg: &str) -> Result<(), String> {
    xent::data::write_atomically(path, |w| w.write_all(svg.as_bytes())).map_err(|e| e.to_string())
}

/// A PNG drawn into a temporary file beside `path` (plotters encodes bitmaps only to a path
/// of its own), then written to `path` by the atomic writer, which also follows links and
/// writes devices in place; the temporary file is removed whatever happens.
fn write_png(path: &Path, draw: impl FnOnce(&Path) -> Result<(), String>) -> Result<(), String> {
    let name = path
        .file_name()
        .map_or_else(|| "plot".into(), |n| n.to_string_lossy().into_owned());
    let device = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    let dir = match path.parent() {
        // A device's folder (/dev) is no place for a drawing.
        _ if device => std::env::temp_dir(),
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let temp = dir.join(format!(".{name}.xent-{}.draw.png", std::process::id()));
    let result = draw(&temp)
        .map_err(|e| cannot_write(path, &e))
        .and_then(|()| std::fs::read(&temp).map_err(|e| format!("{}: {e}", path.display())))
        .and_then(|png| {
            xent::data::write_atomically(path, |w| w.write_all(&png)).map_err(|e| e.to_string())
        });
    let _ = std::fs::remove_file(&temp);
    result
}

/// A drawing error in one line, naming the plot's file (plotters' own text can be a long
/// debug dump).
fn cannot_write(path: &Path, error: &str) -> String {
    let first = error.lines().next().unwrap_or(error);
    let short: String = first.chars().take(120).collect();
    format!("{}: cannot draw the plot: {short}", path.display())
}

/// `Ok(true)` for a .png file, `Ok(false)` for .svg, an error for anything else (checked
/// before training starts, so that a typo does not cost a training run).
pub fn check_extension(path: &Path) -> Result<bool, String> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "png" => Ok(true),
        "svg" => Ok(false),
        _ => Err(format!(
            "{}: plots are written as SVG or PNG; give a file name ending in .svg or .png",
            path.display()
        )),
    }
}

const SIZE: (u32, u32) = (1000, 420);

/// DejaVu Sans (Bitstream Vera licence, `assets/DejaVu-LICENSE.txt`), compiled in so that
/// plots have text on every machine, fonts installed or not.
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");

/// Registers the embedded font as the "sans-serif" family the charts use (once).
fn register_font() -> Result<(), String> {
    static REGISTERED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font("sans-serif", FontStyle::Normal, FONT)
                .map_err(|_| "the embedded font could not be loaded".to_string())
        })
        .clone()
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    reports: &[EpochReport],
    watched: &Watched<'_>,
) -> Result<(), String> {
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let (left, right) = root.split_horizontally(500);
    let regression = reports
        .first()
        .is_some_and(|r| matches!(r.train.metric, Metric::MeanSquaredError(_)));
    let epochs: Vec<f64> = reports.iter().map(|r| r.epoch as f64).collect();
    panel(
        &left,
        "loss",
        &epochs,
        &[
            ("train", reports.iter().map(|r| r.train.loss).collect()),
            (
                watched.name,
                reports
                    .iter()
                    .filter_map(|r| r.test)
                    .map(|s| s.loss)
                    .collect(),
            ),
        ],
        watched.kept,
    )?;
    panel(
        &right,
        if regression {
            "mean squared error"
        } else {
            "accuracy"
        },
        &epochs,
        &[
            (
                "train",
                reports.iter().map(|r| r.train.metric.value()).collect(),
            ),
            (
                watched.name,
                reports
                    .iter()
                    .filter_map(|r| r.test)
                    .map(|s| s.metric.value())
                    .collect(),
            ),
        ],
        watched.kept,
    )?;
    root.present().map_err(|e| e.to_string())
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    epochs: &[f64],
    series: &[(&str, Vec<f64>)],
    kept: Option<usize>,
) -> Result<(), String> {
    let values = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .filter(|v| v.is_finite());
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (0.0, 1.0)
    };
    let pad = 0.05 * (hi - lo);
    let last = epochs.last().copied().unwrap_or(1.0).max(2.0);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 22))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(60)
        .build_cartesian_2d(1.0..last, (lo - pad)..(hi + pad))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .x_labels(epochs.len().clamp(2, 10))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .draw()
        .map_err(|e| e.to_string())?;
    for (i, (name, ys)) in series.iter().enumerate() {
        let colour = if i == 0 { BLUE } else { RED };
        chart
            .draw_series(LineSeries::new(
                epochs.iter().copied().zip(ys.iter().copied()),
                colour.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour));
    }
    if let Some(epoch) = kept {
        let grey = RGBColor(90, 90, 90);
        let x = epoch as f64;
        chart
            .draw_series(DashedLineSeries::new(
                [(x, lo - pad), (x, hi + pad)],
                6,
                4,
                grey.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("kept (epoch {epoch})"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], grey));
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| e.to_string())
}

/// The reliability diagram of `bins` (Guo et al. 2017): per confidence bin, the accuracy as a
/// bar and its gap to the bin's mean confidence shaded, the diagonal of perfect calibration,
/// ECE and MCE in the title, and beneath, the share of the samples in each bin. SVG or PNG,
/// by the file's extension.
pub fn reliability_diagram(path: &Path, bins: &[Bin], ece: f64, mce: f64) -> Result<(), String> {
    let png = check_extension(path)?;
    register_font()?;
    let size = (600, 640);
    if png {
        write_png(path, |temp| {
            draw_reliability(
                BitMapBackend::new(temp, size).into_drawing_area(),
                bins,
                (ece, mce),
            )
        })
    } else {
        let mut svg = String::new();
        draw_reliability(
            SVGBackend::with_string(&mut svg, size).into_drawing_area(),
            bins,
            (ece, mce),
        )
        .map_err(|e| cannot_write(path, &e))?;
        write_svg(path, &svg)
    }
}

fn draw_reliability<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    bins: &[Bin],
    (ece, mce): (f64, f64),
) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let (top, bottom) = root.split_vertically(470);
    let width = 1.0 / bins.len().max(1) as f64;
    // A sliver between bars, so that neighbouring bins read as bins.
    let pad = width * 0.06;
    let filled: Vec<&Bin> = bins.iter().filter(|b| b.weight > 0.0).collect();
    let ticks = |v: &f64| format!("{v:.1}");
    let mut chart = ChartBuilder::on(&top)
        .caption(
            format!("reliability diagram: ECE {ece:.4}, MCE {mce:.4}"),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .x_label_formatter(&ticks)
        .y_label_formatter(&ticks)
        .y_desc("accuracy")
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| fail(&e))?;
    let blue = RGBColor(55, 110, 180);
    let red = RGBColor(210, 60, 50);
    chart
        .draw_series(filled.iter().map(|b| {
            Rectangle::new(
                [(b.lower + pad, 0.0), (b.lower + width - pad, b.accuracy)],
                blue.mix(0.8).filled(),
            )
        }))
        .map_err(|e| fail(&e))?
        .label("accuracy in the bin")
        .legend(move |(x, y)| {
            Rectangle::new([(x, y - 5), (x + 14, y + 5)], blue.mix(0.8).filled())
        });
    chart
        .draw_series(filled.iter().flat_map(|b| {
            let (low, high) = if b.accuracy < b.confidence {
                (b.accuracy, b.confidence)
            } else {
                (b.confidence, b.accuracy)
            };
            let corners = [(b.lower + pad, low), (b.lower + width - pad, high)];
            // Outlined as well as tinted, so that a gap over a bar (an under-confident bin)
            // reads as the same mark as one above it.
            [
                Rectangle::new(corners, red.mix(0.3).filled()),
                Rectangle::new(corners, red.stroke_width(2)),
            ]
        }))
        .map_err(|e| fail(&e))?
        .label("gap to the mean confidence")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], red.mix(0.3).filled()));
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, 0.0), (1.0, 1.0)],
            6,
            4,
            BLACK.mix(0.6).stroke_width(2),
        ))
        .map_err(|e| fail(&e))?
        .label("perfect calibration")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 14, y)], BLACK.mix(0.6).stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(|e| fail(&e))?;
    // The share of the samples in each bin: where the diagram has evidence.
    let total: f64 = bins.iter().map(|b| b.weight).sum();
    let tallest = filled
        .iter()
        .map(|b| b.weight / total)
        .fold(0.0f64, f64::max)
        .max(1e-12);
    let mut hist = ChartBuilder::on(&bottom)
        .margin_left(12)
        .margin_right(12)
        .margin_bottom(8)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .build_cartesian_2d(0.0..1.0, 0.0..tallest * 1.1)
        .map_err(|e| fail(&e))?;
    hist.configure_mesh()
        .x_label_formatter(&ticks)
        .y_label_formatter(&|v: &f64| format!("{:.0}%", 100.0 * v))
        .y_labels(3)
        .x_desc("confidence (the predicted class's probability)")
        .y_desc("samples")
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(|e| fail(&e))?;
    hist.draw_series(filled.iter().map(|b| {
        Rectangle::new(
            [
                (b.lower + pad, 0.0),
                (b.lower + width - pad, b.weight / total),
            ],
            BLACK.mix(0.45).filled(),
        )
    }))
    .map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))
}

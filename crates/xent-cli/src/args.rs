//! The command line's grammar.

use crate::choices::{
    parse_delimiter, parse_estimator, parse_scale, parse_zero_division, MiMethod, ModelChoice,
    ReductionChoice, ScaleChoice,
};
use crate::limits::{self, bounded};
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use xent::data::{ColumnRef, ColumnSet};
use xent::Base;

/// Cross-entropy and the information measures around it.
///
/// An operand is an inline comma-separated vector (`0.5,0.25,0.25`), a `.csv` file (no
/// header, one distribution per line; inf, -inf and nan accepted), a `.npy` file (1-D or 2-D,
/// float or integer), or `-` for CSV on standard input.
#[derive(Debug, Parser)]
#[command(name = "xent", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub common: Common,
}

/// Options every command accepts.
#[derive(Debug, Args)]
pub struct Common {
    /// Logarithm base of the information measures, logsumexp, `estimate` and `eval`: 2
    /// (bits), e (nats, the default), 10 (bans) or any positive number ≠ 1.
    #[arg(long, global = true, value_parser = parse_base, allow_hyphen_values = true)]
    pub base: Option<Base>,
    /// Accept non-negative weights or counts and divide each row by its sum (as SciPy does),
    /// for the information measures and `eval`.
    #[arg(long, global = true)]
    pub normalize: bool,
    /// Print one JSON object on stdout instead of text.
    #[arg(long, global = true)]
    pub json: bool,
    /// The longest line a text input may have (K, M, G suffixes); a longer one is an error
    /// naming it, not a buffer that grows without end.
    #[arg(long, global = true, default_value = "1G", value_parser = limits::parse_bytes)]
    pub max_line_bytes: u64,
    /// The CSV delimiter of every text input: one character, `tab` or `space` (default:
    /// detected from each file's first line).
    #[arg(long, global = true, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
}

impl Common {
    /// The base given, or e.
    pub fn base(&self) -> Base {
        self.base.unwrap_or(Base::NATS)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Entropy H(P) = −Σ p log p of each distribution.
    #[command(after_help = ENTROPY_EXAMPLES)]
    Entropy {
        /// The distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
    },
    /// Cross-entropy H(P,Q) = −Σ p log q.
    #[command(after_help = CROSS_ENTROPY_EXAMPLES)]
    CrossEntropy {
        /// The true distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
        /// The model distribution(s) Q.
        #[arg(allow_hyphen_values = true)]
        q: String,
    },
    /// KL divergence D(P‖Q) = Σ p log(p/q).
    #[command(after_help = KL_EXAMPLES)]
    Kl {
        /// The distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
        /// The reference distribution(s) Q.
        #[arg(allow_hyphen_values = true)]
        q: String,
    },
    /// Jensen–Shannon divergence ½D(P‖M) + ½D(Q‖M), M = (P+Q)/2.
    #[command(after_help = JS_EXAMPLES)]
    Js {
        /// The distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
        /// The distribution(s) Q.
        #[arg(allow_hyphen_values = true)]
        q: String,
        /// Print the Jensen–Shannon distance √JS instead (SciPy's `jensenshannon`).
        #[arg(long)]
        distance: bool,
    },
    /// Perplexity e^H(P) of each distribution.
    #[command(after_help = PERPLEXITY_EXAMPLES)]
    Perplexity {
        /// The distribution(s) P.
        #[arg(allow_hyphen_values = true)]
        p: String,
    },
    /// Softmax of each row of logits.
    #[command(after_help = SOFTMAX_EXAMPLES)]
    Softmax {
        /// The logits X.
        #[arg(allow_hyphen_values = true)]
        x: String,
        /// Print log-softmax instead.
        #[arg(long)]
        log: bool,
        /// Divide the logits by T > 0 first.
        #[arg(long, default_value_t = 1.0, value_parser = parse_temperature, allow_hyphen_values = true)]
        temperature: f64,
    },
    /// logsumexp ln Σ eˣ of each row.
    #[command(after_help = LOGSUMEXP_EXAMPLES)]
    Logsumexp {
        /// The values X.
        #[arg(allow_hyphen_values = true)]
        x: String,
    },
    /// Evaluate a classifier's predictions: log-loss, accuracy, calibration, precision / recall /
    /// F1 and the confusion matrix, ROC-AUC.
    #[command(after_help = EVAL_EXAMPLES)]
    Eval(EvalArgs),
    /// Fit temperature scaling on validation logits: the T whose softmax(z / T) has the least
    /// log-loss, with the log-loss and ECE before and after.
    #[command(after_help = CALIBRATE_EXAMPLES)]
    Calibrate(CalibrateArgs),
    /// Entropy estimated from counts or samples, with bias-corrected estimators.
    #[command(after_help = ESTIMATE_EXAMPLES)]
    Estimate {
        #[command(subcommand)]
        what: EstimateKind,
    },
    /// Benchmarks in the format of shared/bench/anchors.py (JSON lines).
    #[command(after_help = BENCH_EXAMPLES)]
    Bench(BenchArgs),
    /// Train linear, logistic or softmax regression with minibatch SGD.
    #[command(after_help = TRAIN_EXAMPLES)]
    Train(TrainArgs),
    /// Predict with a model saved by `xent train --save`.
    #[command(after_help = PREDICT_EXAMPLES)]
    Predict(PredictArgs),
    /// A loss and, with --grad, its gradient with respect to the predictions.
    #[command(after_help = LOSS_EXAMPLES)]
    Loss {
        #[command(subcommand)]
        kind: LossKind,
    },
    /// Mutual information I(X;Y) of a joint probability (or, with --normalize, count) table.
    #[command(after_help = MUTUAL_INFORMATION_EXAMPLES)]
    MutualInformation {
        /// The joint table: rows are values of X, columns values of Y (CSV or 2-D NPY).
        #[arg(allow_hyphen_values = true)]
        joint: String,
    },
    /// Shell completions on stdout: `xent completions bash > /etc/bash_completion.d/xent`.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The manual page (roff) on stdout: `xent man > xent.1 && man ./xent.1`.
    #[command(after_help = MAN_EXAMPLES)]
    Man,
}

// Examples ending each command's --help (and the operand syntax, for the measures).

/// What an operand of the measures may be, as their helps end.
macro_rules! operands {
    () => {
        "An operand is an inline vector (0.5,0.25,0.25), a CSV file (one distribution per \
         line, a header row skipped), an NPY file (1-D or 2-D), or - for CSV on standard input."
    };
}
const ENTROPY_EXAMPLES: &str = concat!("Examples:\n  xent entropy 0.5,0.25,0.25 --base 2     # 1.5 bits\n  xent entropy counts.csv --normalize      # one value per row of counts\n  xent entropy p.npy --json\n\n", operands!());

const CROSS_ENTROPY_EXAMPLES: &str = concat!("Examples:\n  xent cross-entropy 0,0,1 0.3,0.3,0.4     # 0.916290731874155 nats\n  xent cross-entropy P.csv Q.csv --base 2  # row by row\n\n", operands!());

const KL_EXAMPLES: &str = concat!(
    "Examples:\n  xent kl 0.5,0.5 0.9,0.1\n  xent kl P.csv Q.npy --base 2 --json\n\n",
    operands!()
);

const JS_EXAMPLES: &str = concat!("Examples:\n  xent js 1,0 0,1 --base 2                 # 1 bit, the maximum\n  xent js P.csv Q.csv --distance\n\n", operands!());

const PERPLEXITY_EXAMPLES: &str = concat!(
    "Examples:\n  xent perplexity 0.25,0.25,0.25,0.25      # 4\n  xent perplexity P.csv --json\n\n",
    operands!()
);

const SOFTMAX_EXAMPLES: &str = concat!("Examples:\n  xent softmax 1,2,3\n  xent softmax 1e4,-1e4,0 --log            # 0,-20000,-10000 (natural logs)\n  xent softmax logits.npy --temperature 2\n\n", operands!());

const LOGSUMEXP_EXAMPLES: &str = concat!("Examples:\n  xent logsumexp 1000,1000                 # 1000.6931471805599\n  xent logsumexp logits.csv --json\n\n", operands!());

const EVAL_EXAMPLES: &str = "Examples:\n  xent eval --pred probs.csv --labels y.csv --plot reliability.png\n  xent eval --pred logits.npy --from-logits --labels y.npy --auc --json\n  xent eval --pred p.csv --labels iris.csv --label-column -1\n\nPredictions and labels are CSV or NPY files (or - for one of them on standard input), streamed.";

const CALIBRATE_EXAMPLES: &str = "Examples:\n  xent predict --model m.json --data csv:val.csv --logits --out z.npy\n  xent calibrate --pred z.npy --labels val.csv --label-column -1\n  xent predict --model m.json --data csv:test.csv --proba --temperature T";

const BENCH_EXAMPLES: &str =
    "Examples:\n  xent bench --quick\n  xent bench --only W1,W2 --repeats 20 --threads 1";

const MSE_EXAMPLES: &str = "Examples:\n  xent loss mse --pred 1,2,3 --labels 1,2,5               # 1.3333333333333333\n  xent loss mse --pred y_hat.csv --labels y.csv --reduction sum --grad dy.npy";

const BCE_EXAMPLES: &str = "Examples:\n  xent loss bce --pred 0.8,0.1 --labels 1,0                # 0.16425203348601802\n  xent loss bce --pred z.csv --from-logits --labels t.csv --pos-weight 3 --grad dz.csv";

const CE_EXAMPLES: &str = "Examples:\n  xent loss cross-entropy --pred 2,1,0.1 --labels 0        # 0.41703001627783354\n  xent loss cross-entropy --pred z.npy --labels y.npy --label-smoothing 0.1 --ignore-index -100\n  xent loss cross-entropy --pred z.csv --labels soft.csv --reduction none --json   # soft labels";

const CCE_EXAMPLES: &str = "Examples:\n  xent loss categorical-cross-entropy --pred 0.3,0.3,0.4 --labels 0,0,1   # 0.916290731874155\n  xent loss categorical-cross-entropy --pred p.csv --labels y.csv --clip 1e-7";

const NLL_EXAMPLES: &str = "Examples:\n  xent loss nll --pred -0.5,-1.2,-2.3 --labels 1          # 1.2\n  xent loss nll --pred log_p.npy --labels y.npy --class-weight 1,2,1";

const KL_DIV_EXAMPLES: &str = "Examples:\n  xent loss kl-div --pred log_q.csv --labels p.csv --reduction batchmean\n  xent loss kl-div --pred log_q.csv --labels log_p.csv --log-target --grad d.npy";

const FOCAL_EXAMPLES: &str = "Examples:\n  xent loss focal --pred 2,-1 --labels 1,0 --reduction none\n  xent loss focal --pred z.csv --labels t.csv --alpha 0.25 --gamma 2 --reduction mean";

const ESTIMATE_EXAMPLES: &str = "Examples:\n  xent estimate entropy 4,2,3,0,2,4,0,0,2,1,1 --method all\n  xent estimate mi --samples pairs.csv --method miller-madow";

const ESTIMATE_ENTROPY_EXAMPLES: &str = "Examples:\n  xent estimate entropy 4,2,3,0,2,4,0,0,2,1,1 --method all\n  xent estimate entropy --samples words.txt --method chao-shen --base 2\n  xent estimate entropy 4,12,4,5,3 --method nsb-unknown-k --bootstrap 200 --seed 1";

const ESTIMATE_MI_EXAMPLES: &str = "Examples:\n  xent estimate mi counts.csv --base 2\n  xent estimate mi --samples pairs.csv --method miller-madow";

const COMPLETIONS_EXAMPLES: &str = "Examples:\n  xent completions bash > ~/.local/share/bash-completion/completions/xent\n  xent completions zsh > ~/.zfunc/_xent\n  xent completions fish > ~/.config/fish/completions/xent.fish";

const MAN_EXAMPLES: &str = "Examples:\n  xent man > xent.1 && man ./xent.1\n  xent man | gzip > /usr/local/share/man/man1/xent.1.gz";

const LOSS_EXAMPLES: &str = "Examples:\n  xent loss cross-entropy --pred 2,1,0.1 --labels 0       # 0.41703001627783354\n  xent loss cross-entropy --pred z.csv --labels y.csv --label-smoothing 0.1 --grad dz.npy\n  xent loss bce --pred 0.8,0.1 --labels 1,0 --reduction none\n\nEvery loss takes --pred (the model's outputs) and --labels (class indices, or soft labels of\n--pred's shape); PyTorch's --input and --target are accepted too.";

const TRAIN_EXAMPLES: &str = "Examples:\n  xent train                                # softmax regression on the embedded digits\n  xent train --data csv:iris.csv --save iris.json\n  xent train --data fashion-mnist --epochs 300 --patience 3 --plot curves.png";

const PREDICT_EXAMPLES: &str = "Examples:\n  xent predict --model iris.json --data csv:iris.csv\n  xent predict --model iris.json --data csv:iris.csv --proba --out p.csv";

const MUTUAL_INFORMATION_EXAMPLES: &str = "Examples:\n  xent mutual-information joint.csv\n  xent mutual-information counts.csv --normalize --base 2";

fn parse_base(text: &str) -> Result<Base, String> {
    text.parse().map_err(|e: xent::Error| e.to_string())
}

fn parse_fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(f) if f > 0.0 && f < 1.0 => Ok(f),
        _ => Err("give a fraction strictly between 0 and 1, such as 0.1".into()),
    }
}

fn parse_temperature(text: &str) -> Result<f64, String> {
    let t: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if t.is_finite() && t > 0.0 {
        Ok(t)
    } else {
        Err(format!(
            "the temperature must be finite and > 0, got {}",
            xent::Shortest(t)
        ))
    }
}

fn parse_threads(text: &str) -> Result<usize, String> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number"))?;
    limits::check_threads(n).map_err(|f| {
        f.message
            .split_once(": ")
            .map_or(f.message.clone(), |(_, why)| why.to_string())
    })
}

/// clap's error as one line: what is wrong, the missing arguments or a suggestion, without
/// the usage block (`--help` shows it).
pub fn usage_message(error: &clap::Error) -> String {
    let text = error.render().to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more"))
        .collect();
    let joined = parts.join(" ");
    let joined = joined.strip_prefix("error: ").unwrap_or(&joined);
    format!("xent: error: {joined} (see xent --help)")
}

/// Options every loss takes.
#[derive(Debug, Args)]
pub struct LossCommon {
    /// Labels: class indices (a vector or one column), or rows of the predictions' shape
    /// (probabilities: soft labels). PyTorch's `target`; --target is accepted too.
    #[arg(
        long = "labels",
        value_name = "LABELS",
        alias = "target",
        allow_hyphen_values = true
    )]
    pub target: String,
    /// How the losses combine; batchmean is kl-div's only (default: the loss's PyTorch
    /// default).
    #[arg(long, value_enum)]
    pub reduction: Option<ReductionChoice>,
    /// Write the gradient with respect to the predictions here (.npy, else CSV).
    #[arg(long)]
    pub grad: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum LossKind {
    /// Mean squared error.
    #[command(after_help = MSE_EXAMPLES)]
    Mse {
        /// Predictions (PyTorch's `input`; --input is accepted too).
        #[arg(
            long = "pred",
            value_name = "PRED",
            alias = "input",
            allow_hyphen_values = true
        )]
        input: String,
        #[command(flatten)]
        common: LossCommon,
    },
    /// Binary cross-entropy on probabilities, or on logits with --from-logits.
    #[command(after_help = BCE_EXAMPLES)]
    Bce {
        /// Probabilities (or logits with --from-logits), one column per output.
        #[arg(
            long = "pred",
            value_name = "PRED",
            alias = "input",
            allow_hyphen_values = true
        )]
        input: String,
        /// The predictions are logits (BCEWithLogitsLoss; --logits is accepted too).
        #[arg(long = "from-logits", alias = "logits")]
        logits: bool,
        /// Weight of positive labels per column, w1,w2,… (logits only).
        #[arg(long, allow_hyphen_values = true)]
        pos_weight: Option<String>,
        /// Element weights of the predictions' shape (PyTorch's `weight` of BCELoss), a file
        /// or inline; --weight-file is accepted too.
        #[arg(
            long = "element-weight",
            value_name = "WEIGHTS",
            alias = "weight-file",
            allow_hyphen_values = true
        )]
        weight_file: Option<String>,
        #[command(flatten)]
        common: LossCommon,
    },
    /// Cross-entropy on logits (PyTorch's F.cross_entropy).
    #[command(after_help = CE_EXAMPLES)]
    CrossEntropy {
        /// The logits, one row per sample (--logits and --input are accepted too).
        #[arg(long = "pred", value_name = "PRED", aliases = ["logits", "input"], allow_hyphen_values = true)]
        logits: String,
        /// Class weights w1,w2,… (PyTorch's `weight`; --weight is accepted too).
        #[arg(
            long = "class-weight",
            value_name = "WEIGHTS",
            alias = "weight",
            allow_hyphen_values = true
        )]
        weight: Option<String>,
        /// Class index whose rows are skipped.
        #[arg(long, default_value_t = -100, allow_hyphen_values = true)]
        ignore_index: i64,
        /// Label smoothing ε in [0, 1].
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        label_smoothing: f64,
        /// z-loss coefficient: adds ζ·logsumexp² per row.
        #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
        z_loss: f64,
        /// Soft-cap the logits to c·tanh(z/c).
        #[arg(long, allow_hyphen_values = true)]
        softcap: Option<f64>,
        #[command(flatten)]
        common: LossCommon,
    },
    /// −Σ y ln q on predicted probabilities (Keras, scikit-learn's log_loss).
    #[command(after_help = CCE_EXAMPLES)]
    CategoricalCrossEntropy {
        /// Predicted probabilities, one row per sample (--input is accepted too).
        #[arg(
            long = "pred",
            value_name = "PRED",
            alias = "input",
            allow_hyphen_values = true
        )]
        input: String,
        /// Clamp q to [ε, 1 − ε] first (default: no clipping, q = 0 costs +∞).
        #[arg(long, allow_hyphen_values = true)]
        clip: Option<f64>,
        #[command(flatten)]
        common: LossCommon,
    },
    /// Negative log-likelihood on log-probabilities.
    #[command(after_help = NLL_EXAMPLES)]
    Nll {
        /// Log-probabilities, one row per sample (--input is accepted too).
        #[arg(
            long = "pred",
            value_name = "PRED",
            alias = "input",
            allow_hyphen_values = true
        )]
        input: String,
        /// Class weights w1,w2,… (PyTorch's `weight`; --weight is accepted too).
        #[arg(
            long = "class-weight",
            value_name = "WEIGHTS",
            alias = "weight",
            allow_hyphen_values = true
        )]
        weight: Option<String>,
        /// Class index whose rows are skipped.
        #[arg(long, default_value_t = -100, allow_hyphen_values = true)]
        ignore_index: i64,
        #[command(flatten)]
        common: LossCommon,
    },
    /// KL-divergence loss on log-probabilities (PyTorch's F.kl_div).
    #[command(after_help = KL_DIV_EXAMPLES)]
    KlDiv {
        /// Log-probabilities log q (--input is accepted too).
        #[arg(
            long = "pred",
            value_name = "PRED",
            alias = "input",
            allow_hyphen_values = true
        )]
        input: String,
        /// The labels are log-probabilities (PyTorch's `log_target`).
        #[arg(long)]
        log_target: bool,
        #[command(flatten)]
        common: LossCommon,
    },
    /// Sigmoid focal loss on logits (torchvision's sigmoid_focal_loss).
    #[command(after_help = FOCAL_EXAMPLES)]
    Focal {
        /// Logits (--input is accepted too).
        #[arg(
            long = "pred",
            value_name = "PRED",
            alias = "input",
            allow_hyphen_values = true
        )]
        input: String,
        /// Weight of positives in [0, 1]; negative to disable.
        #[arg(long, default_value_t = 0.25, allow_hyphen_values = true)]
        alpha: f64,
        /// Focusing exponent γ ≥ 0.
        #[arg(long, default_value_t = 2.0, allow_hyphen_values = true)]
        gamma: f64,
        #[command(flatten)]
        common: LossCommon,
    },
}

/// Which columns of a CSV data set are the label and the features (`--data csv:FILE`).
#[derive(Debug, Clone, Default, Args)]
pub struct TableColumns {
    /// The label's column: its name in the header, or its 0-based index (negative from the
    /// end); default: the last (for predict: the model's label column, when the data has it).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_column)]
    pub label_column: Option<ColumnRef>,
    /// The feature columns, in the model's order: names, indices and half-open ranges
    /// START:END, comma-separated (`1:5`, `sepal_length,petal_width`; a name with a comma in
    /// double quotes, as in CSV); default: all others.
    #[arg(long, allow_hyphen_values = true, value_parser = parse_columns, conflicts_with = "ignore_columns")]
    pub feature_columns: Option<ColumnSet>,
    /// Columns that are neither label nor feature (an id, a date), as for --feature-columns.
    #[arg(long, allow_hyphen_values = true, value_parser = parse_columns)]
    pub ignore_columns: Option<ColumnSet>,
}

fn parse_column(text: &str) -> Result<ColumnRef, String> {
    if text.trim().is_empty() {
        return Err("give a column name or index".into());
    }
    Ok(ColumnRef::parse(text))
}

fn parse_columns(text: &str) -> Result<ColumnSet, String> {
    ColumnSet::parse(text).map_err(|e| e.to_string())
}

/// `xent train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The model (default: softmax for class labels, linear for real targets).
    #[arg(long, value_enum)]
    pub model: Option<ModelChoice>,
    /// digits (embedded), fashion-mnist[:DIR], csv:FILE[:LABEL-COLUMN], npy:FEATURES,LABELS,
    /// synthetic-linear.
    #[arg(long, default_value = "digits")]
    pub data: String,
    /// Passes over the training set (1 to 100000; default: 10, or as many as make 400
    /// steps on a small data set: 100 for iris's 120 training samples).
    #[arg(long, value_parser = bounded(1, limits::MAX_EPOCHS))]
    pub epochs: Option<usize>,
    /// Samples per minibatch (default: 256, or 32 below 10000 training samples; at most
    /// 16777216, and never more than the training set).
    #[arg(long, value_parser = bounded(1, limits::MAX_BATCH))]
    pub batch_size: Option<usize>,
    /// Learning rate.
    #[arg(long, default_value_t = 0.1, allow_hyphen_values = true)]
    pub lr: f32,
    /// Momentum in [0, 1).
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub momentum: f32,
    /// L2 weight decay.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    pub weight_decay: f32,
    /// The number of classes, when labels do not show them all (without it, labels may
    /// imply at most max(1000, 10 × rows) classes).
    #[arg(long, value_parser = bounded(2, 1 << 24))]
    pub classes: Option<usize>,
    /// Seed of the initialisation, the shuffling and the train/test split.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Early stopping: hold out a validation part of the training set, stop once its loss
    /// has not fallen for this many epochs, and keep the best epoch's model (use with a
    /// large --epochs).
    #[arg(long, value_parser = bounded(1, limits::MAX_EPOCHS))]
    pub patience: Option<usize>,
    /// The fraction of the training set held out for --patience (default 0.1).
    #[arg(long, requires = "patience", value_parser = parse_fraction)]
    pub validation: Option<f64>,
    /// Feature scaling: none, standardize, or a divisor such as 255 (default: 255 for
    /// Fashion-MNIST, none for synthetic-linear, standardize otherwise).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_scale)]
    pub scale: Option<ScaleChoice>,
    /// Threads to split each batch over (default: all cores; at most 4 per core).
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Write the loss and accuracy curves (.svg or .png).
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Save the trained model as JSON.
    #[arg(long)]
    pub save: Option<PathBuf>,
    #[command(flatten)]
    pub columns: TableColumns,
}

/// `xent predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model file written by `xent train --save`.
    #[arg(long)]
    pub model: PathBuf,
    /// The data, as for `xent train --data` (Fashion-MNIST: its test set).
    #[arg(long, default_value = "digits")]
    pub data: String,
    /// Write the predictions here (.npy, else CSV); default: standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Write class probabilities (one column per class, named class_0, class_1, … in CSV)
    /// instead of the predicted class: what `xent eval --pred` reads.
    #[arg(long, conflicts_with = "logits")]
    pub proba: bool,
    /// Write the logits (one column per class; one for logistic regression) instead of the
    /// predicted class: `xent eval --pred … --from-logits` reads them.
    #[arg(long)]
    pub logits: bool,
    /// Divide the logits by this temperature first (from `xent calibrate`): changes the
    /// probabilities and logits written, never the predicted class.
    #[arg(long, value_parser = parse_temperature)]
    pub temperature: Option<f64>,
    /// Add the true label as the last column (named as the model's label column), when the
    /// data has one.
    #[arg(long)]
    pub with_labels: bool,
    #[command(flatten)]
    pub columns: TableColumns,
}

/// `xent bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The anchors' small sizes.
    #[arg(long)]
    pub quick: bool,
    /// Workloads to run: ids (W0…W5) or names (ce_fwd_bwd…), comma-separated or repeated.
    #[arg(long)]
    pub only: Vec<String>,
    /// Timed calls per case, after one warm-up (1 to 1000).
    #[arg(long, default_value_t = 5, value_parser = bounded(1, limits::MAX_REPEATS))]
    pub repeats: usize,
    /// Threads (default: all cores; at most 4 per core).
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Run one case in this process (used by the parent run for per-case memory).
    #[arg(long, hide = true)]
    pub case: Option<String>,
    /// The bandwidth measured by W0, passed to the cases (internal).
    #[arg(long, hide = true)]
    pub bound_gbps: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum EstimateKind {
    /// Entropy of the distribution behind a vector of counts (or a file of samples).
    #[command(after_help = ESTIMATE_ENTROPY_EXAMPLES)]
    Entropy {
        /// Counts: inline, a CSV row or column, or a 1-D NPY file (zeros count as outcomes).
        #[arg(allow_hyphen_values = true, required_unless_present = "samples")]
        counts: Option<String>,
        /// A text file with one sample per line (any text); its values are counted first.
        #[arg(long, conflicts_with = "counts")]
        samples: Option<PathBuf>,
        /// plugin, miller-madow, chao-shen, jeffreys, laplace, sg, minimax, shrink,
        /// grassberger, nsb (K = the counts given, or --alphabet), nsb-unknown-k (K guessed,
        /// as the ndd package), dirichlet:A, or all.
        #[arg(long, default_value = "plugin", value_parser = parse_estimator)]
        method: String,
        /// The alphabet size K: pads the counts with zeros up to K outcomes (at most 10⁷).
        #[arg(long, value_parser = bounded(1, limits::MAX_ALPHABET))]
        alphabet: Option<usize>,
        /// Also report a bootstrap standard deviation from this many seeded replicates (2 to
        /// 100000).
        #[arg(long, value_parser = bounded(2, limits::MAX_BOOTSTRAP))]
        bootstrap: Option<usize>,
        /// Seed of the bootstrap.
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
    /// Mutual information of a contingency table of counts (rows: X, columns: Y).
    #[command(after_help = ESTIMATE_MI_EXAMPLES)]
    Mi {
        /// The table (CSV or 2-D NPY), or with --samples two columns of labels.
        #[arg(allow_hyphen_values = true, required_unless_present = "samples")]
        table: Option<String>,
        /// A CSV file of two columns of labels (any text), one sample per line, counted first.
        #[arg(long, conflicts_with = "table")]
        samples: Option<PathBuf>,
        /// The estimator of the joint distribution.
        #[arg(long, value_enum, default_value_t = MiMethod::Plugin)]
        method: MiMethod,
    },
}

/// `xent calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Validation logits, one row per sample, as `xent predict --logits` writes them (CSV or
    /// NPY; read once per step of the fit; --logits is accepted too).
    #[arg(long = "pred", value_name = "PRED", alias = "logits")]
    pub logits: String,
    /// Their labels: one column of class indices, or a column of a data set with
    /// --label-column.
    #[arg(long)]
    pub labels: String,
    /// Take the labels from this column of LABELS: its name in the header, or its 0-based
    /// index (negative from the end).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_column)]
    pub label_column: Option<ColumnRef>,
    /// The columns of PRED, one per class, when it has others (names, indices, ranges
    /// START:END, as train's --feature-columns).
    #[arg(long, allow_hyphen_values = true, value_parser = parse_columns)]
    pub pred_columns: Option<ColumnSet>,
    /// Equal-width confidence bins of the ECE reported before and after (1 to 1000000).
    #[arg(long, default_value_t = 15, value_parser = bounded(1, limits::MAX_BINS))]
    pub bins: usize,
}

/// `xent eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Predictions, one row per sample: probabilities (one column: P(class 1)), or logits /
    /// log-probabilities with the flags below. CSV, NPY, or - for standard input.
    #[arg(long, allow_hyphen_values = true)]
    pub pred: String,
    /// Labels: one column of class indices, or rows of the predictions' width (one-hot or soft).
    #[arg(long, allow_hyphen_values = true)]
    pub labels: String,
    /// Take the labels from this column of LABELS: its name in the header, or its 0-based
    /// index (negative counts from the end, -1 the last): the data set a model was trained
    /// on, label column and all. Labels may be class names: those of PRED's header.
    #[arg(long, allow_hyphen_values = true, value_parser = parse_column)]
    pub label_column: Option<ColumnRef>,
    /// The columns of PRED, one per class, when it has others (names, indices, ranges
    /// START:END, as train's --feature-columns); default: all, or all but --label-column
    /// when PRED and LABELS are the same file.
    #[arg(long, allow_hyphen_values = true, value_parser = parse_columns)]
    pub pred_columns: Option<ColumnSet>,
    /// The predictions are logits.
    #[arg(long, conflicts_with = "from_log_probs")]
    pub from_logits: bool,
    /// The predictions are natural-log probabilities.
    #[arg(long)]
    pub from_log_probs: bool,
    /// Equal-width confidence bins for the calibration errors (1 to 1000000).
    #[arg(long, default_value_t = 15, value_parser = bounded(1, limits::MAX_BINS))]
    pub bins: usize,
    /// k of the top-k accuracy (1 to 1000000).
    #[arg(long, default_value_t = 5, value_parser = bounded(1, limits::MAX_TOP_K))]
    pub top_k: usize,
    /// One weight per sample (a column or a vector).
    #[arg(long)]
    pub sample_weight: Option<String>,
    /// Clip probabilities to [EPS, 1 − EPS] before the log (default: none; p = 0 costs +∞).
    #[arg(long, allow_hyphen_values = true)]
    pub clip: Option<f64>,
    /// Write a reliability diagram (.svg or .png).
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Also the classwise ECE (the mean over classes of each class's ECE, one-vs-rest): it
    /// bins every class's probability, so it costs O(classes) per sample.
    #[arg(long)]
    pub classwise_ece: bool,
    /// Also the calibration errors over equal-mass bins (the same number of samples in each,
    /// Nixon et al. 2019): keeps every sample's confidence (16 bytes each, at most 2^25).
    #[arg(long)]
    pub adaptive_ece: bool,
    /// 95 % intervals of log-loss, accuracy, Brier and the calibration errors from this many
    /// Poisson bootstrap replicates (2 to 100000; streamed, O(replicates) per sample).
    #[arg(long, value_parser = bounded(2, limits::MAX_BOOTSTRAP))]
    pub bootstrap: Option<usize>,
    /// Seed of the bootstrap replicates.
    #[arg(long, default_value_t = 0, requires = "bootstrap")]
    pub seed: u64,
    /// Also ROC-AUC and average precision, one-vs-rest with macro and weighted averages (as
    /// scikit-learn's): exact, from every score kept and sorted (at most 2^24 rows × classes).
    #[arg(long)]
    pub auc: bool,
    /// ROC-AUC and average precision streamed instead, over this many equal-width bins of
    /// each class's probability (implies --auc; memory classes × bins, no limit on rows; the
    /// report gives how far the ROC-AUC may be from the exact one).
    #[arg(long, value_parser = bounded(1, limits::MAX_BINS))]
    pub auc_bins: Option<usize>,
    /// The precision, recall or F1 of a class with nothing to divide by: 0, 1 or nan (as
    /// scikit-learn's zero_division; nan leaves the class out of the averages).
    #[arg(long, default_value = "0", value_parser = parse_zero_division)]
    pub zero_division: f64,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every command and subcommand a user can ask `--help` of ends it with examples that
    /// name it.
    #[test]
    fn every_help_ends_with_examples_of_its_command() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for sub in command.get_subcommands() {
                let name = format!("{path} {}", sub.get_name());
                let examples = sub.get_after_help().map(|h| h.to_string());
                match examples {
                    Some(text) if text.starts_with("Examples:") && text.contains(&name) => {}
                    _ if sub.get_name() == "help" => {}
                    _ => missing.push(name.clone()),
                }
                walk(sub, &name, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "xent", &mut missing);
        assert!(missing.is_empty(), "no examples: {missing:?}");
    }
}

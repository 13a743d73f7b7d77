//! `xent completions SHELL` and `xent man`: the command line's grammar, as the shell's
//! completion script or a roff manual page, generated from the same clap definition that
//! parses it (so they cannot drift from it).

use crate::args::Cli;
use crate::failure::Failure;
use clap::CommandFactory;

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "xent", &mut script);
    String::from_utf8(script).expect("clap_complete writes UTF-8")
}

/// The manual page of `xent` (its subcommands listed, each with its summary).
pub fn man_page() -> Result<String, Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut page)
        .map_err(|e| Failure::data(format!("man page: {e}")))?;
    Ok(String::from_utf8(page).expect("clap_mangen writes UTF-8"))
}

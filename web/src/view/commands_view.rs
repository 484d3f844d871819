//! "Equivalent commands": the same view from docker, crane, skopeo, regctl and curl, each copyable.

use strata_explain::concept::Concept;
use strata_explain::equivalent_commands;
use strata_image::digest::Digest;
use strata_image::reference::Reference;
use yew::prelude::*;

use super::concept_help::help;
use super::copy_button::CopyButton;
use crate::url_state;

/// The commands for this reference, the digest its tag resolved to, and the chosen platform.
pub fn commands(reference: &Reference, resolved: Option<&Digest>, platform: Option<&str>) -> Html {
    let commands = equivalent_commands::for_view(reference, resolved, platform);
    html! {
        <details class="commands" id="commands" open={url_state::is_open("commands")}
            ontoggle={url_state::panel_toggle("commands")}>
            <summary>{"Equivalent commands"}</summary>
            <p class="muted pull-by-digest">{"Pull by digest to get exactly these bytes again "}{ help(Concept::TagsMoveDigestsDont) }</p>
            <table class="command-lines">
                { for commands.into_iter().map(|command| {
                    html! {
                        <tr data-tool={command.tool}>
                            <th>{command.tool}</th>
                            <td class="muted">{command.shows}</td>
                            <td><code>{command.line.clone()}</code></td>
                            <td><CopyButton text={command.line} /></td>
                        </tr>
                    }
                }) }
            </table>
        </details>
    }
}

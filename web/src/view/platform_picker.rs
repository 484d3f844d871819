//! "Which entry does this machine pull?": the platform picker, and `?platform=` kept in the address bar.

use strata_explain::concept::Concept;
use strata_explain::share_link;
use strata_image::platform::{self, Matcher, Platform};
use yew::prelude::*;

use super::concept_help::help;
use super::context::NodeContext;
use super::format::visible_string;
use crate::inspect_state::Action;
use crate::{navigation, url_state};

/// Sets `?platform=` in the address bar (so the view is a link) and in the state. The files view streams
/// the layers of one platform, so there the page starts afresh for the new one.
pub fn choose(context: &NodeContext, platform: Option<String>) {
    // A layer or path belongs to the platform it was picked in.
    url_state::set_params(&[
        ("platform", platform.as_deref()),
        ("layer", None),
        ("path", None),
    ]);
    if share_link::query_value(&url_state::search(), "view").as_deref() == Some("files") {
        navigation::rerender();
        return;
    }
    context.state.dispatch(Action::ChoosePlatform(platform));
}

/// "Which entry does this machine pull?": familiar machines, and the preference order behind the answer.
pub fn picker(context: &NodeContext, chosen: Option<&str>, requested: Option<&Platform>) -> Html {
    let onchange = {
        let context = context.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let value = select.value();
            choose(&context, (!value.is_empty()).then_some(value));
        })
    };
    let chain = requested
        .map(|platform| Matcher::new(platform).preference())
        .unwrap_or_default();
    let known =
        chosen.is_none_or(|chosen| platform::MACHINES.iter().any(|m| m.specifier() == chosen));
    html! {
        <div class="platform-picker">
            <label for="platform-picker">{"Which entry does this machine pull? "}</label>
            { help(Concept::Platforms) }{ help(Concept::IndexVsPlatformDigest) }
            <select id="platform-picker" {onchange}>
                <option value="" selected={chosen.is_none()}>
                    {format!("No machine chosen ({} assumed)", platform::DEFAULT_PLATFORM)}
                </option>
                { for platform::MACHINES.iter().map(|machine| {
                    let specifier = machine.specifier();
                    let selected = chosen == Some(specifier.as_str());
                    html! { <option value={specifier.clone()} {selected}>{format!("{} — {specifier}", machine.label)}</option> }
                }) }
                if !known {
                    <option value={chosen.unwrap_or_default().to_owned()} selected=true>{visible_string(chosen.unwrap_or_default())}</option>
                }
            </select>
            if !chain.is_empty() {
                <p class="muted fallback-chain">
                    {visible_string(&format!("docker pull --platform {} takes the first entry matching, in order: ", chosen.unwrap_or_default()))}
                    { for chain.iter().enumerate().map(|(position, platform)| html! {
                        <>{if position > 0 { " → " } else { "" }}<code>{platform.clone()}</code></>
                    }) }
                </p>
            }
        </div>
    }
}

//! A "copy" button. Browsers offer the clipboard only to secure pages (https, localhost); elsewhere, or when
//! the browser refuses, the button says so and the reader copies by hand.

use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    /// What is copied.
    pub text: AttrValue,
    /// The button's words.
    #[prop_or(AttrValue::Static("copy"))]
    pub label: AttrValue,
}

#[derive(Clone, PartialEq)]
enum Outcome {
    Copied,
    Failed(&'static str),
}

/// Copies `text` and says whether it worked.
#[component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let outcome = use_state_eq(|| None::<Outcome>);
    {
        // What was copied is no longer what the button holds.
        let outcome = outcome.clone();
        use_effect_with(props.text.clone(), move |_| outcome.set(None));
    }
    let onclick = {
        let (outcome, text) = (outcome.clone(), props.text.clone());
        Callback::from(move |event: MouseEvent| {
            event.prevent_default();
            let (outcome, text) = (outcome.clone(), text.clone());
            yew::platform::spawn_local(async move {
                outcome.set(Some(match copy(&text).await {
                    Ok(()) => Outcome::Copied,
                    Err(reason) => Outcome::Failed(reason),
                }));
            });
        })
    };
    html! {
        <>
            <button class="copy" {onclick}>{props.label.clone()}</button>
            { match &*outcome {
                Some(Outcome::Copied) => html! { <span class="copied muted" role="status">{" copied"}</span> },
                Some(Outcome::Failed(reason)) => html! { <span class="copy-failed warning" role="status">{format!(" {reason}")}</span> },
                None => html! {},
            } }
        </>
    }
}

async fn copy(text: &str) -> Result<(), &'static str> {
    let navigator = web_sys::window()
        .ok_or("there is no window to copy from")?
        .navigator();
    let has_clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into())
        .is_ok_and(|clipboard| !clipboard.is_undefined());
    if !has_clipboard {
        return Err(
            "this page is not served over https, so the browser offers no clipboard: copy the text by hand",
        );
    }
    JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .map(|_| ())
        .map_err(|_| "the browser refused to copy: copy the text by hand")
}

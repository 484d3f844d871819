//! `/open`: an image archive from the reader's disk (a file chosen or dropped, or an OCI layout directory),
//! read in this tab and never uploaded; each image it holds opens in the same tree as a registry's.

use web_sys::{DragEvent, HtmlInputElement};
use yew::prelude::*;

use super::format::visible;
use crate::navigation::navigate;
use crate::open_archive::{self, Opened};
use crate::route::inspect_href;
use strata_archive::{address_names_archive, local_reference};

/// Where opening stands.
#[derive(Debug, Clone, PartialEq)]
enum Opening {
    Idle,
    Reading(String),
    Failed(String),
    Done(Opened),
}

#[derive(Properties, PartialEq)]
pub struct OpenPageProps {
    /// A local image's page to go back to once its file is open again.
    pub then: Option<String>,
}

/// The open page.
#[component]
pub fn OpenPage(props: &OpenPageProps) -> Html {
    let opening = use_state(|| Opening::Idle);
    let open_files = {
        let opening = opening.clone();
        let then = props.then.clone();
        Callback::from(move |files: Vec<web_sys::File>| {
            let opening = opening.clone();
            let then = then.clone();
            let directory = files
                .first()
                .is_some_and(|file| open_archive::relative_path(file).contains('/'));
            let Some(first) = files.first().cloned() else {
                return;
            };
            opening.set(Opening::Reading(if directory {
                "the directory".to_owned()
            } else {
                first.name()
            }));
            yew::platform::spawn_local(async move {
                let opened = if directory {
                    open_archive::open_directory(files).await
                } else {
                    open_archive::open_file(first).await
                };
                match opened {
                    Ok(opened)
                        if then.as_ref().is_some_and(|then| {
                            address_names_archive(then, &opened.repository)
                        }) =>
                    {
                        navigate(then.as_deref().unwrap_or_default());
                    }
                    Ok(opened)
                        if then.is_none()
                            && opened.images.len() == 1
                            && opened.problems.is_empty() =>
                    {
                        let image = &opened.images[0];
                        navigate(&inspect_href(
                            &local_reference(&opened.repository, &image.digest.to_string()),
                            None,
                        ));
                    }
                    Ok(opened) => opening.set(Opening::Done(opened)),
                    Err(error) => opening.set(Opening::Failed(error)),
                }
            });
        })
    };
    let onchange = {
        let open_files = open_files.clone();
        Callback::from(move |event: Event| {
            if let Some(input) = event.target_dyn_into::<HtmlInputElement>() {
                open_files.emit(file_list(input.files()));
            }
        })
    };
    let ondragover = Callback::from(|event: DragEvent| event.prevent_default());
    let ondrop = Callback::from(move |event: DragEvent| {
        event.prevent_default();
        let files = event.data_transfer().and_then(|transfer| transfer.files());
        open_files.emit(file_list(files).into_iter().take(1).collect());
    });
    html! {
        <section class="open-local">
            <h1>{"Open a local image"}</h1>
            if props.then.is_some() {
                <p class="notice open-again" role="status">
                    {"The page you opened shows an image from a file on your disk, which never left your browser, so \
                      it is gone once the tab reloads. Choose the same file again to go back to it."}
                </p>
            }
            <p>
                {"An image that is in no registry yet: what "}<code>{"docker save"}</code>{", "}
                <code>{"podman save"}</code>{", "}<code>{"skopeo copy … oci-archive:"}</code>{" or "}
                <code>{"docker buildx build --output type=oci"}</code>
                {" wrote. Strata reads it here, in this tab: "}<strong>{"nothing is uploaded"}</strong>
                {", and every document and layer is hashed in your browser against the digests the archive names."}
            </p>
            <div class="drop-zone" id="drop-zone" {ondragover} {ondrop}>
                <label for="open-local">{"Choose an archive (.tar, .tar.gz, .tar.zst) or drop it here: "}</label>
                <input type="file" id="open-local" onchange={onchange.clone()}
                    accept=".tar,.gz,.tgz,.zst,.tzst,application/x-tar" />
            </div>
            <p>
                <label for="open-directory">{"Or pick an OCI layout directory: "}</label>
                <input type="file" id="open-directory" webkitdirectory=true onchange={onchange} />
            </p>
            { status(&opening, props.then.is_some()) }
        </section>
    }
}

fn file_list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(files) = files else {
        return Vec::new();
    };
    (0..files.length())
        .filter_map(|index| files.get(index))
        .collect()
}

fn status(opening: &Opening, expected_another: bool) -> Html {
    match opening {
        Opening::Idle => Html::default(),
        Opening::Reading(name) => html! {
            <p class="muted" role="status">{"Reading the index of "}{visible(name)}{"…"}</p>
        },
        Opening::Failed(error) => html! {
            <p class="error" role="alert">{visible(error)}</p>
        },
        Opening::Done(opened) => html! {
            <>
                if expected_another {
                    <p class="notice other-file" role="status">
                        {"This is not the file the page was opened from (or it has changed since): here is what it holds."}
                    </p>
                }
                { opened_list(opened) }
            </>
        },
    }
}

fn opened_list(opened: &Opened) -> Html {
    html! {
        <section class="local-archive" data-file={opened.file.clone()}>
            <h2>{visible(&opened.file)}{format!(": {} image{}", opened.images.len(),
                if opened.images.len() == 1 { "" } else { "s" })}</h2>
            { for opened.problems.iter().map(|problem| html! {
                <p class="error archive-problem" role="alert">{visible(problem)}</p>
            }) }
            if opened.images.is_empty() {
                <p class="muted">{"It names no image that could be opened."}</p>
            }
            <ul class="local-images">
                { for opened.images.iter().map(|image| {
                    let digest = image.digest.to_string();
                    let href = inspect_href(&local_reference(&opened.repository, &digest), None);
                    html! {
                        <li>
                            <a class="local-image" {href}>{visible(&image.name)}</a>{" "}
                            <code class="digest">{digest}</code>
                            if image.written {
                                <span class="muted">{" (docker save's legacy form holds no manifest: Strata wrote the one docker load would see)"}</span>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

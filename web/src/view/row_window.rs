//! Long tables rendered a window at a time: the rows near the view, with an image of the missing rows'
//! height above and below, so the table scrolls as if every row were there (the page's CSP allows no
//! inline styles, so no padding set from code).

use yew::prelude::*;

/// Where a windowed table's view is: what a table renders from.
pub struct RowView {
    /// The scrolling element.
    pub scroller: NodeRef,
    /// Its scroll handler, which measures the view again.
    pub onscroll: Callback<Event>,
    /// The first row in view.
    pub first_in_view: usize,
    /// How many rows the view holds.
    pub rows_in_view: usize,
}

/// The view of a table windowed by `window`: taken to hold `first_rows` rows until it can be measured,
/// measured again on every scroll and whenever `measure_on` changes (the table opened, its row count).
#[hook]
pub fn use_row_view<D>(window: RowWindow, first_rows: usize, measure_on: D) -> RowView
where
    D: PartialEq + 'static,
{
    let view = use_state(|| (0usize, first_rows));
    let scroller = use_node_ref();
    let onscroll = {
        let view = view.clone();
        Callback::from(move |event: Event| {
            if let Some(element) = event.target_dyn_into::<web_sys::Element>() {
                view.set(window.measure(&element));
            }
        })
    };
    {
        let (scroller, view) = (scroller.clone(), view.clone());
        use_effect_with(measure_on, move |_| {
            if let Some(element) = scroller.cast::<web_sys::Element>() {
                let measured = window.measure(&element);
                if measured.1 > 0 && measured != *view {
                    view.set(measured);
                }
            }
        });
    }
    RowView {
        scroller,
        onscroll,
        first_in_view: view.0,
        rows_in_view: view.1,
    }
}

/// How a table is windowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowWindow {
    /// A row's height in pixels, as the stylesheet sets it.
    pub row_height: f64,
    /// Up to this many rows, every one is rendered.
    pub render_all: usize,
    /// Rows rendered above and below the view when not all are.
    pub around: usize,
    /// The table's columns, for the spacers to span.
    pub columns: usize,
}

impl RowWindow {
    /// The first row in view and how many rows the view holds, for a scrolling element.
    pub fn measure(&self, element: &web_sys::Element) -> (usize, usize) {
        let first = (f64::from(element.scroll_top()) / self.row_height) as usize;
        let rows = (f64::from(element.client_height()) / self.row_height).ceil() as usize;
        (first, rows)
    }

    /// The rows to render, `start..end`, of `total`, with the view at `first_in_view` holding `view_rows`.
    pub fn range(&self, total: usize, first_in_view: usize, view_rows: usize) -> (usize, usize) {
        if total <= self.render_all {
            return (0, total);
        }
        let first_in_view = first_in_view.min(total);
        let start = first_in_view.saturating_sub(self.around);
        (start, (first_in_view + view_rows + self.around).min(total))
    }

    /// Stands in for `rows` rows that are not rendered.
    pub fn spacer(&self, rows: usize) -> Html {
        if rows == 0 {
            return Html::default();
        }
        let height = (rows as f64 * self.row_height).to_string();
        html! {
            <tr class="spacer" aria-hidden="true"><td colspan={self.columns.to_string()}><svg width="1" {height}></svg></td></tr>
        }
    }
}

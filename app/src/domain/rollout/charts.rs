//! The rollout board's charts, drawn on the server as SVG with plotters: personas per
//! stage over the last 30 days, and decisions per day over the last 14. Each comes with
//! its figures as a table, the text alternative the page shows beside it.

use plotters::prelude::*;

use crate::AppError;
use crate::types::ChartView;

const SIZE: (u32, u32) = (640, 260);
pub const STAGE_COLORS: [RGBColor; 4] = [
    RGBColor(0x98, 0xa2, 0xb3),
    RGBColor(0x35, 0x47, 0xd4),
    RGBColor(0x0e, 0x93, 0x84),
    RGBColor(0x7a, 0x2e, 0xc4),
];
const OUTCOME_COLORS: [RGBColor; 3] = [
    RGBColor(0x06, 0x76, 0x47),
    RGBColor(0xb4, 0x23, 0x18),
    RGBColor(0xb5, 0x47, 0x08),
];

fn drawing<E: std::fmt::Debug>(e: E) -> AppError {
    tracing::error!(error = ?e, "could not draw a chart");
    AppError::Internal
}

/// Lines, one per series, over `days` (x labels), counts on y.
pub fn lines(
    title: &str,
    summary: String,
    days: &[String],
    series: &[(String, Vec<u64>)],
    colors: &[RGBColor],
) -> Result<ChartView, AppError> {
    let top = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let last = i32::try_from(days.len().saturating_sub(1))
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(40)
            .build_cartesian_2d(0..last, 0..(top + top / 5 + 1))
            .map_err(drawing)?;
        let label = |x: &i32| {
            usize::try_from(*x)
                .ok()
                .and_then(|i| days.get(i))
                .cloned()
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&label)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(drawing)?;
        for ((name, values), color) in series.iter().zip(colors.iter().cycle()) {
            let color = *color;
            chart
                .draw_series(LineSeries::new(
                    values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (i32::try_from(i).unwrap_or(0), *v)),
                    color.stroke_width(2),
                ))
                .map_err(drawing)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(2))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xdd, 0xe1, 0xe8))
            .draw()
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(ChartView {
        title: title.to_string(),
        summary,
        svg,
        headings: std::iter::once("Day".to_string())
            .chain(series.iter().map(|(n, _)| n.clone()))
            .collect(),
        rows: days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    d.clone(),
                    series
                        .iter()
                        .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                        .collect(),
                )
            })
            .collect(),
    })
}

/// Stacked bars per day, one segment per series.
pub fn stacked_bars(
    title: &str,
    summary: String,
    days: &[String],
    series: &[(String, Vec<u64>)],
) -> Result<ChartView, AppError> {
    let totals: Vec<u64> = (0..days.len())
        .map(|i| {
            series
                .iter()
                .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                .sum()
        })
        .collect();
    let top = totals.iter().copied().max().unwrap_or(0).max(1);
    let n = i32::try_from(days.len()).unwrap_or(1).max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(drawing)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(48)
            .build_cartesian_2d(0..n, 0..(top + top / 5 + 1))
            .map_err(drawing)?;
        let label = |x: &i32| {
            usize::try_from(*x)
                .ok()
                .and_then(|i| days.get(i))
                .cloned()
                .unwrap_or_default()
        };
        chart
            .configure_mesh()
            .x_labels(7)
            .y_labels(5)
            .x_label_formatter(&label)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(drawing)?;
        let mut base = vec![0u64; days.len()];
        for ((name, values), color) in series.iter().zip(OUTCOME_COLORS.iter().cycle()) {
            let color = *color;
            let bars: Vec<Rectangle<(i32, u64)>> = values
                .iter()
                .enumerate()
                .filter(|(_, v)| **v > 0)
                .map(|(i, v)| {
                    let x = i32::try_from(i).unwrap_or(0);
                    let from = base[i];
                    base[i] += v;
                    let mut bar = Rectangle::new([(x, from), (x + 1, from + v)], color.filled());
                    bar.set_margin(0, 0, 3, 3);
                    bar
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(drawing)?
                .label(name.as_str())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(RGBColor(0xdd, 0xe1, 0xe8))
            .draw()
            .map_err(drawing)?;
        root.present().map_err(drawing)?;
    }
    Ok(ChartView {
        title: title.to_string(),
        summary,
        svg,
        headings: std::iter::once("Day".to_string())
            .chain(series.iter().map(|(n, _)| n.clone()))
            .collect(),
        rows: days
            .iter()
            .enumerate()
            .map(|(i, d)| {
                (
                    d.clone(),
                    series
                        .iter()
                        .map(|(_, v)| v.get(i).copied().unwrap_or(0))
                        .collect(),
                )
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_svg_with_its_figures_as_a_table() {
        let days: Vec<String> = (1..=3).map(|d| format!("Nov {d}")).collect();
        let series = vec![
            ("Allow".to_string(), vec![3, 0, 7]),
            ("Deny".to_string(), vec![1, 2, 0]),
        ];
        let chart =
            stacked_bars("Decisions", "…".into(), &days, &series).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            chart.svg.starts_with("<svg"),
            "{}",
            &chart.svg[..40.min(chart.svg.len())]
        );
        assert!(chart.svg.contains("Allow"), "the legend names the series");
        assert_eq!(chart.headings, vec!["Day", "Allow", "Deny"]);
        assert_eq!(chart.rows[2], ("Nov 3".to_string(), vec![7, 0]));
        let line = lines("Stages", "…".into(), &days, &series, &STAGE_COLORS)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            line.svg.contains("<polyline") || line.svg.contains("<path"),
            "lines are drawn"
        );
    }

    #[test]
    fn empty_data_still_draws_an_empty_chart() {
        let chart =
            lines("Stages", "…".into(), &[], &[], &STAGE_COLORS).unwrap_or_else(|e| panic!("{e}"));
        assert!(chart.svg.starts_with("<svg"));
        assert!(chart.rows.is_empty());
    }
}

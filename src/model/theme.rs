//! The theme a build uses: templates and static files, the project's overrides laid over the
//! embedded default (loaded by `load::theme`).

use crate::source::FileId;
use std::collections::BTreeMap;

/// The templates and static files a build uses, overrides applied.
#[derive(Debug, Default)]
pub struct Theme {
    /// The charts' series colours (`themes/<name>/chart.yaml`, else the default's).
    pub chart: ChartColours,
    /// Template name → (source, the project file it came from, if not embedded).
    pub templates: BTreeMap<String, (String, Option<FileId>)>,
    /// Path under `static/` → bytes.
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// Files of the theme folder that are not used: hidden files and editor backups, and
    /// static files outside the allow-list (`check` names them).
    pub skipped: Vec<std::path::PathBuf>,
}

/// An sRGB colour, 8 bits a channel.
pub type Rgb = (u8, u8, u8);

/// The default palette: ≥ 3:1 against white, and every pair (the target's colour included)
/// at least 19 CIEDE2000 apart for normal vision and under simulated protanopia,
/// deuteranopia and tritanopia (`check` verifies any palette: W072, W073). Its earlier dark
/// orange and green merged for protanopia (ΔE₀₀ 5.5).
pub const DEFAULT_PALETTE: [Rgb; 4] = [
    (0x1f, 0x4e, 0x8c), // blue
    (0xdd, 0x66, 0x11), // orange
    (0x00, 0x99, 0x88), // teal
    (0xaa, 0x55, 0xff), // violet
];

/// The default colour of the target rule and diamond.
pub const DEFAULT_TARGET: Rgb = (0xa0, 0x1c, 0x1c);

/// The colours charts draw series with. Stacked parts take `palette` in order (the first
/// also draws single bars and lines); the target rule and diamond take `target`.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartColours {
    pub palette: Vec<Rgb>,
    pub target: Rgb,
    /// `themes/<name>/chart.yaml` when the theme sets the colours, for diagnostics.
    pub file: Option<FileId>,
    /// Byte spans in `file` of the palette entries (when the file sets them) and the target.
    pub spans: Vec<(usize, usize)>,
    pub target_span: Option<(usize, usize)>,
}

impl Default for ChartColours {
    fn default() -> Self {
        ChartColours {
            palette: DEFAULT_PALETTE.to_vec(),
            target: DEFAULT_TARGET,
            file: None,
            spans: Vec::new(),
            target_span: None,
        }
    }
}

impl ChartColours {
    /// The colour of series `k` (the palette repeats past its end).
    pub fn series(&self, k: usize) -> Rgb {
        self.palette
            .get(k % self.palette.len().max(1))
            .copied()
            .unwrap_or(DEFAULT_PALETTE[0])
    }
}

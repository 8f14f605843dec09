//! Where the parts of a print edition in parts are: `printversie/conclusies-2/`.

use super::{Generated, Routes, page_path};
use crate::config::Language;
use crate::content::Section;

/// What a part of the print edition holds: part of a section, or of the standalone pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintShelf {
    Section(Section),
    Pages,
}

impl Routes {
    /// The site-relative path of part `number` (from 1) of the `of` parts of the print
    /// edition that hold `shelf`: `printversie/themas/`, `printversie/conclusies-2/`,
    /// `printversie/paginas/`.
    pub fn print_part(&self, shelf: PrintShelf, number: usize, of: usize) -> String {
        let name = match shelf {
            PrintShelf::Section(section) => self.section_name(section),
            PrintShelf::Pages => match self.language {
                Language::Nl => "paginas",
                Language::En => "pages",
            },
        };
        let name = match of {
            1 => name.to_string(),
            _ => format!("{name}-{number}"),
        };
        page_path(&[&self.generated(Generated::PrintEdition), &name])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::tests::config;

    #[test]
    fn parts_live_below_the_print_edition() {
        let routes = Routes::new(&config("title: T\n"));
        let conclusions = PrintShelf::Section(Section::Conclusions);
        assert_eq!(
            routes.print_part(conclusions, 1, 1),
            "printversie/conclusies/"
        );
        assert_eq!(
            routes.print_part(conclusions, 2, 3),
            "printversie/conclusies-2/"
        );
        assert_eq!(
            routes.print_part(PrintShelf::Pages, 1, 1),
            "printversie/paginas/"
        );
    }
}

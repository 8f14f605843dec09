//! Where the parts of a print edition in parts are: `printversie/conclusies-2/`.

use super::{Generated, Routes, page_path};
use crate::config::Language;
use crate::content::Section;

/// What a part of the print edition holds: part of a section, or of the standalone pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrintShelf {
    Section(Section),
    Pages,
}

impl Routes {
    /// The site-relative path of part `number` (from 1) of the `of` parts of the print
    /// edition that hold `shelf`: `printversie/themas/`, `printversie/conclusies-2/`,
    /// `printversie/paginas/`.
    pub fn print_part(&self, shelf: PrintShelf, number: usize, of: usize) -> String {
        let name = self.part_name(shelf, number, of);
        page_path(&[&self.generated(Generated::PrintEdition), &name])
    }

    /// The site-relative path of that part's PDF, beside the whole edition's:
    /// `oogst-van-de-cop-conclusies-2.pdf`, in a translation `en/harvest-conclusions-2.pdf`.
    pub fn pdf_part(&self, shelf: PrintShelf, number: usize, of: usize) -> String {
        let whole = self.pdf();
        let stem = whole.strip_suffix(".pdf").unwrap_or(whole);
        format!("{stem}-{}.pdf", self.part_name(shelf, number, of))
    }

    /// A part's name in its paths: `conclusies-2`, or `conclusies` for a shelf in one part.
    fn part_name(&self, shelf: PrintShelf, number: usize, of: usize) -> String {
        let name = match shelf {
            PrintShelf::Section(section) => self.section_name(section),
            PrintShelf::Pages => match self.language {
                Language::Nl => "paginas",
                Language::En => "pages",
            },
        };
        match of {
            1 => name.to_string(),
            _ => format!("{name}-{number}"),
        }
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

    #[test]
    fn a_part_pdf_is_named_after_the_whole_and_its_part() {
        let routes = Routes::new(&config("title: Oogst van de CoP\n"));
        let conclusions = PrintShelf::Section(Section::Conclusions);
        assert_eq!(
            routes.pdf_part(conclusions, 2, 3),
            "oogst-van-de-cop-conclusies-2.pdf"
        );
        assert_eq!(
            routes.pdf_part(PrintShelf::Pages, 1, 1),
            "oogst-van-de-cop-paginas.pdf"
        );
    }
}

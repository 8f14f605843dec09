//! Where the pages of a long list are: a section's list pages (`themas/pagina/2/`) and the
//! relation matrix's (`relatieoverzicht/pagina/2/`), numbered alike.

use super::{Generated, Routes, page_path};
use crate::config::Language;
use crate::content::Section;

/// Items on one list page of a section, and rows on one page of the relation matrix: a page
/// must not grow with the site.
pub const LIST_PAGE_SIZE: usize = 100;

/// How many list pages a list of `items` items has (one, even when it is empty).
pub fn list_pages(items: usize) -> usize {
    items.div_ceil(LIST_PAGE_SIZE).max(1)
}

/// The items of list page `number` (from 1) of `list`.
pub fn on_list_page<T>(list: &[T], number: usize) -> &[T] {
    let start = (number.saturating_sub(1) * LIST_PAGE_SIZE).min(list.len());
    &list[start..(start + LIST_PAGE_SIZE).min(list.len())]
}

impl Routes {
    /// The site-relative path of list page `number` (from 1): `themas/`, `themas/pagina/2/`.
    pub fn list_page(&self, section: Section, number: usize) -> String {
        self.numbered(self.section(section), number)
    }

    /// The site-relative path of page `number` (from 1) of the relation matrix:
    /// `relatieoverzicht/`, `relatieoverzicht/pagina/2/`.
    pub fn matrix_page(&self, number: usize) -> String {
        self.numbered(self.generated(Generated::Matrix), number)
    }

    /// Page `number` of the list whose first page is at `first`.
    fn numbered(&self, first: String, number: usize) -> String {
        let word = match self.language() {
            Language::Nl => "pagina",
            Language::En => "page",
        };
        match number {
            1 => first,
            n => page_path(&[&first, word, &n.to_string()]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes::tests::config;

    #[test]
    fn later_pages_of_a_list_are_numbered_below_its_first() {
        let routes = Routes::new(&config("title: T\n"));
        assert_eq!(routes.list_page(Section::Themes, 1), "themas/");
        assert_eq!(routes.list_page(Section::Themes, 2), "themas/pagina/2/");
        assert_eq!(routes.matrix_page(1), "relatieoverzicht/");
        assert_eq!(routes.matrix_page(3), "relatieoverzicht/pagina/3/");
        let english = Routes::new(&config("title: T\nlanguage: en\n"));
        assert_eq!(english.matrix_page(2), "matrix/page/2/");
        assert_eq!(list_pages(0), 1);
        assert_eq!(list_pages(LIST_PAGE_SIZE), 1);
        assert_eq!(list_pages(LIST_PAGE_SIZE + 1), 2);
    }
}

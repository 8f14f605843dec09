//! Rendering again, as the preview server does after an edit: only the pages an edit
//! reaches, found through the dependency map ([`super::affected`]); the files that hold
//! every item (print edition, search index, feed, sitemap, open data) follow after.

use rustc_hash::FxHashSet as HashSet;

use rayon::prelude::*;

use super::Renderer;
use super::affected::{self, PageOf};
use super::context::Views;
use super::jobs::Job;
use super::memo::RenderMemo;
use crate::diagnostics::{Diagnostic, Diagnostics, Position};
use crate::harvest::{Harvest, ItemId};
use crate::output::{Content, Counter, Discard, Later};
use crate::routes::file_of;
use crate::theme::Theme;

/// How a rebuild after an edit puts out its files.
#[derive(Debug, Clone, Copy)]
pub struct Again {
    /// Leave the files that hold every item (print edition, search index, feed, sitemap,
    /// open data) to [`Renderer::render_deferred`].
    pub defer: bool,
    /// Put every file into the output; else only those that changed since the run before,
    /// and tell the output which are made no more ([`Counter::remove`]).
    pub whole: bool,
}

impl Renderer {
    /// Renders again only the pages of `changed` items (after their bodies changed and
    /// nothing else did); see [`Renderer::render_affected`] for `again` and `output`.
    pub fn render_changed(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        output: &Counter<'_>,
        changed: &[ItemId],
        again: Again,
        memo: &mut RenderMemo,
    ) -> Diagnostics {
        let jobs: Vec<Job> = changed
            .iter()
            .map(|&id| affected::own_page(harvest, id))
            .collect();
        self.render_again(harvest, theme, output, jobs, again, memo)
    }

    /// Renders again only the pages that the edit of the content files `changed` reaches,
    /// the harvest `before` having become `harvest` (see [`affected::affected`]), and,
    /// unless `again.defer`, the files that hold every item. Puts into `output` what
    /// `again` says, the pages not rendered as the memo's last run made them. Only while
    /// what every page is given is the same ([`Renderer::same_globals`]).
    #[allow(clippy::too_many_arguments)]
    pub fn render_affected(
        &mut self,
        before: &Harvest,
        harvest: &Harvest,
        theme: &Theme,
        output: &Counter<'_>,
        changed: &HashSet<&str>,
        again: Again,
        memo: &mut RenderMemo,
    ) -> Diagnostics {
        let reach = affected::affected(before, harvest, changed, &memo.shows);
        let mut jobs = reach.now;
        match again.defer {
            true => memo.later.extend(reach.later),
            false => jobs.extend(reach.later),
        }
        // The pages of items that are gone or renamed, and list pages no longer needed.
        if !affected::same_pages(before, harvest) {
            let (pages, paths) = affected::gone(before, harvest);
            for path in paths {
                let file = file_of(&path);
                if memo.pages.remove(&file).is_some() {
                    output.remove(file);
                }
            }
            for page in pages {
                memo.shows.remove(&page);
            }
        }
        self.render_again(harvest, theme, output, jobs, again, memo)
    }

    /// Whether what every page of `harvest` is given (site, navigation, interface strings)
    /// is what the memo's pages were given: else every page must be rendered, and
    /// [`Renderer::render_affected`] does not do.
    pub fn same_globals(&self, harvest: &Harvest, theme: &Theme, memo: &RenderMemo) -> bool {
        let views = Views::new(harvest, theme.strings_in(harvest.config.language));
        self.globals(&views, Some(0)).key() == memo.global
    }

    /// Renders `jobs` again, and unless `again.defer` the files that hold every item; puts
    /// into `output` every file the memo holds, or with `!again.whole` those that changed.
    fn render_again(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        output: &Counter<'_>,
        mut jobs: Vec<Job>,
        again: Again,
        memo: &mut RenderMemo,
    ) -> Diagnostics {
        // The languages of a site are rendered one after the other, its own first.
        if harvest.config.original.is_none() {
            *self.rendered.get_mut() = 0;
        }
        if !again.defer {
            jobs.extend(Job::every_item(harvest));
        }
        let (mut diagnostics, pages) = self.rerender(harvest, theme, &jobs, memo);
        let mut published = Later::new();
        if !again.defer {
            let (changed, problems) = self.republish(harvest, theme, memo);
            diagnostics.extend(problems);
            published = changed;
        }
        if again.whole {
            diagnostics.extend(put_all(memo, output));
            return diagnostics;
        }
        let pages = pages.into_iter().filter_map(|file| {
            let html = memo.pages.get(&file).map(|(_, html)| html.clone())?;
            Some((file, Some(Content::Shared(html))))
        });
        for (file, content) in pages.chain(published) {
            let Some(content) = content else {
                output.remove(file);
                continue;
            };
            if let Err(e) = output.put(file, content) {
                diagnostics.push(Diagnostic::new(
                    e.path().to_path_buf(),
                    Position::UNKNOWN,
                    &e,
                ));
            }
        }
        diagnostics
    }

    /// Makes what [`Renderer::render_affected`] deferred: the print edition, the search
    /// index, feed, sitemap and open data. Returns the files that changed, with their content.
    pub fn render_deferred(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        memo: &mut RenderMemo,
    ) -> Result<Later, Diagnostics> {
        let mut files = self.render_heavy_pages(harvest, theme, memo)?;
        let (published, diagnostics) = self.republish(harvest, theme, memo);
        if diagnostics.has_errors() {
            return Err(diagnostics);
        }
        files.extend(published);
        Ok(files)
    }

    /// Makes the files beside the pages again (feed, sitemap, `robots.txt`, search index,
    /// open data, the parts of an edition in parts) into the memo; returns those that
    /// changed, with their content, and those no longer made.
    fn republish(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        memo: &mut RenderMemo,
    ) -> (Later, Diagnostics) {
        let mut views = Views::new(harvest, theme.strings_in(harvest.config.language));
        self.use_globals(&views, Some(0));
        let mut before = std::mem::take(&mut memo.published);
        let output = Counter::new(&Discard);
        let ((), diagnostics) = self.publish(
            Some(&mut memo.search),
            Some(&mut memo.published),
            &mut views,
            &output,
            |_| (),
        );
        let mut changed: Later = Vec::new();
        for (path, bytes) in &memo.published {
            if before.remove(path).as_ref() != Some(bytes) {
                changed.push((path.clone(), Some(Content::Shared(bytes.clone()))));
            }
        }
        // Files no longer made (parts of the search index for items that are gone).
        changed.extend(before.into_keys().map(|path| (path, None)));
        (changed, diagnostics)
    }

    /// Renders the pages that show every item again (print edition, relation matrix's pages),
    /// and the list pages a quick rebuild left for later; returns their files and content.
    fn render_heavy_pages(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        memo: &mut RenderMemo,
    ) -> Result<Later, Diagnostics> {
        let mut jobs = Job::every_item(harvest);
        if !memo.later.is_empty() {
            // Those of list pages still made (an edit since may have taken some away).
            let made: HashSet<Job> = (harvest.routes.made_pages(&harvest.shape()).into_iter())
                .map(Job::Made)
                .collect();
            let later = std::mem::take(&mut memo.later);
            jobs.extend(later.into_iter().filter(|job| made.contains(job)));
            jobs.sort_unstable_by_key(|job| job.path(harvest));
            jobs.dedup();
        }
        let (diagnostics, _) = self.rerender(harvest, theme, &jobs, memo);
        if !diagnostics.is_empty() {
            return Err(diagnostics);
        }
        let files = jobs.iter().map(|job| file_of(&job.path(harvest)));
        let made = files.map(|file| {
            let html = memo.pages.get(&file).map(|(_, html)| html.clone());
            (file, Some(Content::Shared(html.unwrap_or_default())))
        });
        Ok(made.collect())
    }

    /// Renders `jobs` into the memo; gives the files of the pages that changed.
    fn rerender(
        &mut self,
        harvest: &Harvest,
        theme: &Theme,
        jobs: &[Job],
        memo: &mut RenderMemo,
    ) -> (Diagnostics, Vec<String>) {
        *self.gave_up.get_mut() = false;
        let views = Views::new(harvest, theme.strings_in(harvest.config.language));
        let global_hash = self.use_globals(&views, Some(0));
        // One page at a time to a thread, the pages that show the most items first: a few
        // long lists and many short pages end together.
        let mut jobs: Vec<(usize, Job)> = (jobs.iter())
            .map(|&job| {
                let shown = memo
                    .shows
                    .get(&PageOf::of(job, harvest))
                    .map_or(0, |shown| shown.items.len());
                (shown, job)
            })
            .collect();
        jobs.sort_by_key(|&(shown, _)| std::cmp::Reverse(shown));
        let jobs: Vec<Job> = jobs.into_iter().map(|(_, job)| job).collect();
        let results: Vec<_> = jobs
            .par_iter()
            .with_max_len(1)
            .map(|job| {
                let known = Some(&memo.pages);
                self.render_job(job, &views, global_hash, known, &Counter::new(&Discard))
            })
            .collect();
        let mut diagnostics = Diagnostics::new();
        let mut changed = Vec::new();
        for (job, result) in jobs.iter().zip(results) {
            match result {
                Ok(Some(page)) => changed.extend(memo.remember(*job, harvest, page)),
                Ok(None) => {}
                Err(failure) => diagnostics.push(failure.0),
            }
        }
        (diagnostics, changed)
    }
}

/// Puts every page and file the memo holds into `output`.
fn put_all(memo: &RenderMemo, output: &Counter<'_>) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    let pages = memo.pages.iter().map(|(file, (_, html))| (file, html));
    for (file, bytes) in pages.chain(&memo.published) {
        if let Err(e) = output.put(file.clone(), Content::Shared(bytes.clone())) {
            diagnostics.push(Diagnostic::new(
                e.path().to_path_buf(),
                Position::UNKNOWN,
                &e,
            ));
        }
    }
    diagnostics
}

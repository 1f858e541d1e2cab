/* The site's search box (published site; make offline keeps Material's lunr search).
 *
 * Two sources, both fetched on first use, not with the page:
 * - search-words.json (scripts/kb/search.py): every topic, glossary term and
 *   section with the words readers type for it. Matching here forgives
 *   plurals and verb forms (a light stemmer), small typos (edit distance),
 *   question words (the "ignore" list of seeds/search.yml) and Chinese terms
 *   (contained runs). These results come first: a topic page ranks above the
 *   essays for its own words.
 * - Pagefind (pagefind/pagefind.js): full text of every page, fetched in
 *   small chunks per word, so a query costs kilobytes whatever the size of
 *   the collection. Its results follow.
 * When no topic matches all the words, the box says so and links the closest
 * topics. The state of the last answer is on the root element
 * (data-state="done", data-query) for tests and benchmarks.
 */
(() => {
  "use strict";
  const root = document.querySelector("[data-kb-search]");
  if (!root) return;

  const toggle = document.getElementById("__search");
  const form = root.querySelector("form");
  const input = root.querySelector(".md-search__input");
  const meta = root.querySelector(".md-search-result__meta");
  const notice = root.querySelector(".kb-search-notice");
  const list = root.querySelector(".md-search-result__list");
  const base = new URL((root.dataset.base || ".").replace(/\/?$/, "/"), location.href);
  const KINDS = { trend: "Trend", strategy: "Strategy", risk: "Risk", glossary: "Glossary", section: "Section",
                  essay: "Essay", page: "Page" };
  const TOPIC_KINDS = new Set(["trend", "strategy", "risk"]);
  const WEIGHT = { trend: 1, strategy: 1, risk: 1, glossary: 0.85, section: 0.6 };
  const MAX_RESULTS = 10;
  const FULL_TEXT_RESULTS = 4; // each Pagefind result shown costs one fragment fetch (1-5 KB)
  const FULL_TEXT_TRIES = 5; // fragments fetched at most per query, some of them turned down
  // Pagefind waits for a pause in typing, the vocabulary answers every key: each
  // Pagefind query for a half-typed word fetches that word's index chunk (16-125 KB at 10,000 essays)
  const DEBOUNCE_MS = 180;
  const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

  // --- words ----------------------------------------------------------------------------------

  /* Lowercase words and runs of Chinese characters (as load.search_tokens splits them). */
  const tokens = (text) =>
    text.toLowerCase().normalize("NFKC").replace(/['\u2019]/g, "").match(/[\u3400-\u9fff\uf900-\ufaff]+|[\p{L}\p{N}]+/gu) || [];

  /* A light English stemmer, the same on both sides: influencers -> influencer,
     streaming -> stream, pricing/prices -> pric, categories/category -> categori. */
  const stem = (word) => {
    if (CJK.test(word) || word.length < 4) return word;
    let w = word;
    if (w.endsWith("ies")) w = w.slice(0, -3) + "y";
    else if (/(ch|sh|x|ss|zz)es$/.test(w)) w = w.slice(0, -2);
    else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
    if (w.length > 5 && w.endsWith("ing")) w = undouble(w.slice(0, -3));
    else if (w.length > 4 && w.endsWith("ed")) w = undouble(w.slice(0, -2));
    if (w.length > 4 && w.endsWith("e")) w = w.slice(0, -1);
    if (w.length > 3 && w.endsWith("y")) w = w.slice(0, -1) + "i";
    return w;
  };
  const undouble = (w) => (/([^aeioulsz])\1$/.test(w) ? w.slice(0, -1) : w);

  /* Edit distance with transpositions, giving up above ``limit``. */
  const distance = (a, b, limit) => {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    let prev2 = null;
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      const row = [i];
      let best = i;
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        let d = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1);
        row.push(d);
        best = Math.min(best, d);
      }
      if (best > limit) return limit + 1;
      prev2 = prev;
      prev = row;
    }
    return prev[b.length];
  };

  // --- the vocabulary -------------------------------------------------------------------------

  let vocabulary = null; // {ignore: Set, entries: [{url, title, kind, text, phrases: [[stem, ...], ...]}], words: Map}

  const loadVocabulary = () => {
    vocabulary ??= fetch(root.dataset.vocabulary)
      .then((response) => {
        if (!response.ok) throw new Error(`search words: HTTP ${response.status}`);
        return response.json();
      })
      .then((data) => {
        const ignore = new Set(data.ignore.flatMap(tokens));
        const words = new Map(); // stem -> the word as written, for "did you mean"
        const entries = data.entries.map((entry) => {
          const phrases = entry.words.map((text) => {
            const kept = tokens(text).filter((t) => !ignore.has(t));
            for (const t of kept) if (!words.has(stem(t))) words.set(stem(t), t);
            return Object.assign(kept.map(stem), { text });
          }).filter((p) => p.length);
          return { ...entry, phrases };
        });
        return { ignore, entries, words };
      });
    return vocabulary;
  };

  /* The query's meaningful words: question words dropped (unless nothing else is left). */
  const queryWords = (query, ignore) => {
    const all = tokens(query);
    const kept = all.filter((t) => !ignore.has(t));
    return (kept.length ? kept : all).map((word) => ({ word, stem: stem(word), cjk: CJK.test(word) }));
  };

  /* How well a query word matches a vocabulary word: 1 same stem, less for a prefix
     (the word still being typed) or a typo, 0 not at all. */
  const closeness = (q, v, isLast) => {
    if (q.cjk || CJK.test(v)) {
      if (q.word === v) return 1;
      if (v.length >= 2 && q.word.includes(v)) return 0.9;
      return q.word.length >= 2 && v.includes(q.word) ? 0.8 : 0;
    }
    if (q.stem === v) return 1;
    if (isLast && q.word.length >= 3 && v.startsWith(q.stem)) return 0.75;
    const n = Math.min(q.stem.length, v.length);
    if (n < 4) return 0;
    const d = distance(q.stem, v, n >= 7 ? 2 : 1);
    return d === 1 ? 0.7 : d === 2 && n >= 7 ? 0.55 : 0;
  };

  /* An entry's score for the query, or null: its best phrase whose every word
     is in the query, weighted by how much of the query its phrases cover. */
  const scoreEntry = (entry, query) => {
    let best = 0;
    let partial = 0;
    const partly = new Set(); // query indexes matched by part of a phrase
    let phrasesMatched = 0;
    let matchedText = ""; // the entry's words the query matched best, shown when its excerpt does not have them
    const covered = new Set();
    const typos = new Map(); // query index -> vocabulary stem it was read as
    const exact = new Set(); // query indexes some phrase matched without a typo
    for (const phrase of entry.phrases) {
      let sum = 0;
      const used = [];
      for (const v of phrase) {
        let match = 0;
        let at = -1;
        query.forEach((q, i) => {
          const c = closeness(q, v, i === query.length - 1);
          if (c > match) { match = c; at = i; }
        });
        if (match) used.push([at, v, match]);
        sum += match;
      }
      if (used.length < phrase.length) {
        // part of a phrase ("price" of "price war"): counts only when no phrase matches whole
        const sure = used.filter(([, , match]) => match >= 0.7);
        if (sure.length) {
          partial = Math.max(partial, 0.4 * sure.reduce((total, [, , match]) => total + match, 0));
          for (const [at] of sure) partly.add(at);
        }
        continue;
      }
      phrasesMatched += 1;
      const phraseScore = sum + 0.5 * (phrase.length - 1);
      if (phraseScore > best) { best = phraseScore; matchedText = phrase.text; }
      for (const [at, v, match] of used) {
        covered.add(at);
        if (match === 0.7 || match === 0.55) typos.set(at, v);
        else exact.add(at);
      }
    }
    if (!best && !partial) return null;
    for (const at of [...typos.keys()]) if (exact.has(at)) typos.delete(at);
    const coverage = covered.size / query.length;
    const weight = WEIGHT[entry.kind] ?? 1;
    if (!best) {
      // no whole phrase: a weak match that never counts as covering the query
      return { entry, score: partial * (partly.size / query.length) * weight, coverage: 0, typos: new Map() };
    }
    const score = (best + 0.2 * Math.min(phrasesMatched - 1, 3)) * coverage * weight;
    return { entry, score, coverage, typos, matchedText };
  };

  const matchVocabulary = (voc, query) => {
    const scored = voc.entries.map((e) => scoreEntry(e, query)).filter(Boolean);
    scored.sort((a, b) => b.score - a.score);
    const top = scored.length ? scored[0].score : 0;
    return scored.filter((s) => s.score >= top * 0.3).slice(0, MAX_RESULTS);
  };

  /* Topics whose words look much like the query (shared letter triples), for a query that matched nothing:
     a heavy misspelling. A looser threshold links topics that only share an ending ("-ation"). */
  const closest = (voc, query) => {
    const grams = (text) => {
      const s = ` ${text} `;
      const out = new Set();
      for (let i = 0; i < s.length - 2; i++) out.add(s.slice(i, i + 3));
      return out;
    };
    const want = grams(query.map((q) => q.word).join(" "));
    const similarity = (text) => {
      const have = grams(text.toLowerCase());
      let shared = 0;
      for (const g of want) if (have.has(g)) shared += 1;
      return (2 * shared) / (want.size + have.size || 1);
    };
    return voc.entries
      .filter((e) => e.kind in WEIGHT && e.kind !== "section")
      .map((e) => ({ entry: e, score: Math.max(...e.words.map(similarity)) }))
      .filter((s) => s.score >= 0.6)
      .sort((a, b) => b.score - a.score)
      .slice(0, 3)
      .map((s) => s.entry);
  };

  // --- Pagefind -------------------------------------------------------------------------------

  let pagefind = null;
  const loadPagefind = () => {
    pagefind ??= (async () => {
      const entry = new URL(root.dataset.pagefind, location.href);
      // a large site's essays are indexed in several bundles (scripts/kb/fulltext.py), listed beside the first
      const bundles = fetch(new URL("bundles.json", entry)).then((r) => (r.ok ? r.json() : []), () => []);
      const module = await import(entry.href);
      // on the main thread: no worker to allow in the Content-Security-Policy, and a
      // query takes a few milliseconds of WebAssembly
      const options = { excerptLength: 24 };
      await module.options({ noWorker: true, ...options });
      await module.init();
      for (const bundle of await bundles) await module.mergeIndex(new URL(bundle, entry).href, options);
      return module;
    })();
    return pagefind;
  };

  const fullText = async (text) => {
    const module = await loadPagefind();
    const found = await module.search(text);
    return found ? found.results : [];
  };

  /* Pagefind also answers with words that only begin like the query ("in" for "influencers",
     "warns" for "war"): a result counts only if a word it marks is the query's word. */
  const sameWord = (marked, q) => {
    if (q.cjk || CJK.test(marked)) return marked.includes(q.word) || q.word.includes(marked);
    const a = stem(marked);
    if (a === q.stem) return true;
    let shared = 0;
    while (shared < a.length && a[shared] === q.stem[shared]) shared += 1;
    return shared >= 4 && shared >= 0.6 * Math.min(a.length, q.stem.length);
  };
  const marksQuery = (excerpt, words) =>
    [...excerpt.matchAll(/<mark>(.*?)<\/mark>/g)].flatMap((m) => tokens(m[1])).some((m) => words.some((q) => sameWord(m, q)));

  const kindOf = (url, voc) => {
    const path = url.href.slice(base.href.length).split("#")[0];
    if (path === "glossary/") return "glossary";
    const entry = voc.entries.find((e) => e.url === path);
    if (entry) return entry.kind;
    if (path.startsWith("essays/") && !path.startsWith("essays/page-")) return "essay";
    return "page";
  };

  // --- showing results ------------------------------------------------------------------------

  /* ``text`` with the words that match the query marked. */
  const highlighted = (text, query) => {
    const p = document.createElement("p");
    const stems = new Set(query.map((q) => q.stem));
    for (const part of text.split(/([\p{L}\p{N}]+)/u)) {
      if (part && (stems.has(stem(part.toLowerCase())) || query.some((q) => q.cjk && part.includes(q.word)))) {
        const mark = document.createElement("mark");
        mark.textContent = part;
        p.append(mark);
      } else if (part) {
        p.append(part);
      }
    }
    return p;
  };

  /* Pagefind's excerpt is text with <mark> around the matches: keep only those marks. */
  const excerptOf = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html; // inert: nothing in a template runs or loads
    const p = document.createElement("p");
    for (const node of template.content.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        p.append(mark);
      } else {
        p.append(node.textContent);
      }
    }
    return p;
  };

  const item = (href, title, kind, teaser) => {
    const li = document.createElement("li");
    li.className = "md-search-result__item";
    const a = document.createElement("a");
    a.className = "md-search-result__link";
    a.href = href;
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const chip = document.createElement("span");
    chip.className = `kb-search-kind kb-search-kind--${kind}`;
    chip.textContent = KINDS[kind] || KINDS.page;
    const h = document.createElement("h1");
    h.textContent = title;
    article.append(chip, h);
    if (teaser && teaser.textContent.trim()) {
      teaser.className = "kb-search-teaser";
      article.append(teaser);
    }
    a.append(article);
    li.append(a);
    return li;
  };

  const link = (entry) => {
    const a = document.createElement("a");
    a.href = new URL(entry.url, base).href;
    a.textContent = entry.title;
    return a;
  };

  const showNotice = (parts) => {
    notice.replaceChildren(...parts);
    notice.hidden = parts.length === 0;
  };

  const quoted = (text) => `\u201c${text}\u201d`;

  // --- one query ------------------------------------------------------------------------------

  let current = 0;
  let timer = 0;

  const finish = (id, query) => {
    if (id !== current) return;
    root.dataset.state = "done";
    root.dataset.query = query;
  };

  const run = async (query, id) => {
    const voc = await loadVocabulary();
    if (id !== current) return;
    const words = queryWords(query, voc.ignore);
    if (!words.length) {
      list.replaceChildren();
      showNotice([]);
      meta.textContent = "Type to start searching";
      finish(id, query);
      return;
    }
    const matches = matchVocabulary(voc, words);
    const shown = new Set();
    const items = matches.map(({ entry, matchedText }) => {
      const href = new URL(entry.url, base).href;
      shown.add(href);
      const teaser = highlighted(entry.text, words);
      if (matchedText && !teaser.querySelector("mark") && matchedText.toLowerCase() !== entry.title.toLowerCase()) {
        // the reader's word is one of the entry's other names or readers' words: say which
        const mark = document.createElement("mark");
        mark.textContent = matchedText;
        teaser.prepend("Matched ", mark, entry.text ? ". " : "");
      }
      return item(href, entry.title, entry.kind, teaser);
    });
    list.replaceChildren(...items);
    // covered: a topic's phrases take in at least half of the query's words, or any entry all of them;
    // "cash flow" is not (two glossary terms, one word each), "grow my followers" is (the fan pool topic)
    const covered = matches.some((m) => (TOPIC_KINDS.has(m.entry.kind) && m.coverage >= 0.5)
      || (m.entry.kind !== "section" && m.coverage === 1));
    // a word read as a typo: offer the vocabulary's spelling
    const typos = matches.length && matches[0].typos.size ? matches[0].typos : null;
    const corrected = typos
      ? words.map((q, i) => (typos.has(i) ? voc.words.get(typos.get(i)) || q.word : q.word)).join(" ")
      : null;
    meta.textContent = matches.length ? "Searching the essays…" : "Searching…";
    root.dataset.state = "busy";

    clearTimeout(timer);
    await new Promise((resolve) => { timer = setTimeout(resolve, DEBOUNCE_MS); });
    if (id !== current) return;
    // words of one or two letters ("in", "ai") would fetch the index chunk of the
    // commonest words for little: the vocabulary answers those
    const indexed = (text) => tokens(text).filter((t) => t.length >= 3 || CJK.test(t)).join(" ");
    /* The pages Pagefind finds for ``text`` whose excerpt marks one of ``sought``'s words. Where an
       index has no word beginning like the query's, Pagefind answers with its longest word that
       the query begins with ("co" for "covid"): those pages are turned down here. */
    const fullTextItems = async (text, sought) => {
      let pages = [];
      try {
        if (text) pages = await fullText(text);
      } catch (error) {
        console.warn("search: the full-text index is unavailable", error);
      }
      if (id !== current || !pages.length) return [];
      const fragments = await Promise.all(pages.slice(0, FULL_TEXT_TRIES).map((result) => result.data()));
      const found = [];
      for (const data of fragments) {
        if (found.length >= FULL_TEXT_RESULTS || items.length + found.length >= MAX_RESULTS) break;
        const href = new URL(data.raw_url.replace(/^\//, ""), base).href;
        if (shown.has(href) || !(marksQuery(data.excerpt, words) || marksQuery(data.excerpt, sought))) continue;
        shown.add(href);
        found.push(item(href, data.meta.title || href, kindOf(new URL(href), voc), excerptOf(data.excerpt)));
      }
      return found;
    };
    const sought = corrected ? queryWords(corrected, voc.ignore) : words;
    let extra = await fullTextItems(indexed(words.map((q) => q.word).join(" ")), sought);
    if (id !== current) return;
    if (!extra.length && corrected) extra = await fullTextItems(indexed(corrected), sought);
    if (id !== current) return;
    list.append(...extra);

    const total = items.length + extra.length;
    meta.textContent = total === 0 ? "No matching pages" : total === 1 ? "1 matching page" : `${total} matching pages`;
    const notes = [];
    if (corrected && corrected !== words.map((q) => q.word).join(" ")) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "kb-search-suggestion";
      button.textContent = corrected;
      button.addEventListener("click", () => { input.value = corrected; search(); input.focus(); });
      notes.push(document.createTextNode("Did you mean "), button, document.createTextNode("?"));
    }
    if (!covered) {
      const asked = quoted(words.map((q) => q.word).join(" "));
      const near = matches.length ? matches.slice(0, 3).map((m) => m.entry) : closest(voc, words);
      if (notes.length) notes.push(document.createElement("br"));
      notes.push(document.createTextNode(extra.length
        ? `No topic covers ${asked}; these pages mention its words. `
        : `The essays don't cover ${asked}. `));
      if (near.length) {
        notes.push(document.createTextNode(near.length === 1 ? "Closest topic: " : "Closest topics: "));
        near.forEach((entry, i) => notes.push(...(i ? [document.createTextNode(", "), link(entry)] : [link(entry)])));
        notes.push(document.createTextNode("."));
      } else {
        notes.push(document.createTextNode("Browse the "), link({ url: "trends/", title: "trends" }),
          document.createTextNode(", "), link({ url: "strategies/", title: "strategies" }),
          document.createTextNode(" or "), link({ url: "risks/", title: "risks" }), document.createTextNode("."));
      }
    }
    showNotice(notes);
    finish(id, query);
  };

  const search = () => {
    // the full-text engine (about 160 KB at 10,000 essays: WebAssembly, page list) loads
    // while the reader types, so it is ready when they pause; the vocabulary answers first
    loadPagefind().catch(() => {});
    current += 1;
    root.dataset.state = "busy";
    run(input.value, current).catch((error) => {
      meta.textContent = "Search is unavailable right now";
      console.warn("search:", error);
      finish(current, input.value);
    });
  };

  // --- the box: open, type, move, leave ----------------------------------------------------------

  const open = () => {
    if (!toggle.checked) toggle.checked = true;
    loadVocabulary().catch(() => {});
  };
  const close = () => {
    toggle.checked = false;
    input.blur();
  };

  input.addEventListener("focus", open);
  input.addEventListener("input", search);
  input.addEventListener("keyup", (event) => {
    // an IME (Chinese input) may not fire "input" for each composed run
    if (event.isComposing || input.value === root.dataset.typed) return;
    root.dataset.typed = input.value;
    if (root.dataset.query !== input.value) search();
  });
  input.addEventListener("input", () => { root.dataset.typed = input.value; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  form.addEventListener("reset", () => {
    setTimeout(() => { search(); input.focus(); });
  });
  toggle.addEventListener("change", () => {
    if (toggle.checked) {
      setTimeout(() => input.focus(), 0);
    }
  });

  const results = () => [...list.querySelectorAll(".md-search-result__link")];
  root.addEventListener("keydown", (event) => {
    const links = results();
    const at = links.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      (at === 0 ? input : links[at - 1]).focus();
    }
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
    if ((event.key === "/" || event.key === "s") && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      open();
      input.focus();
    }
  });
})();

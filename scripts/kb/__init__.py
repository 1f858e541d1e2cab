"""Turn a folder of essays into a cross-linked knowledge base.

The data flows one way, one module per step:

    load      seeds/ folder -> raw essays + curated YAML        (reads files)
    clean     bytes -> text -> title + paragraphs               (pure)
    sentences paragraph -> sentences                            (pure)
    labels    sentence -> trend | strategy | risk | context     (pure)
    topics    sentence -> topic mentions                        (pure)
    glossary  text -> glossary terms found                      (pure)
    summarise essay -> summary; topic -> representative quotes  (pure)
    relate    topics and essays -> related items with reasons   (pure)
    render    KnowledgeBase -> Markdown pages                   (pure)
    write     pages -> docs/, kb.json -> site/                  (writes files)

``pipeline.build_knowledge_base`` runs the whole flow; ``mkdocs_hook`` is the
thin glue that runs it inside ``mkdocs build`` and ``mkdocs serve``.
"""

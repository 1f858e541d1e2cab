"""Sentence splitting: one paragraph in, exact sentences out.

CASES were checked by hand; the seed sentences are quoted from seeds/, the
rest are made up in the style of the Wikinews corpus. Each case is joined
with single spaces into a paragraph and must come back exactly.
"""

from __future__ import annotations

import time

import pytest

from kb.sentences import split_sentences

CASES = [
    ('The company was founded in the U.S. in 1998.', 'It grew fast.'),
    ('Mr. Smith met Dr. Jones at 5 p.m. on Monday.', 'They talked for an hour.'),
    ('Apple Inc. said revenue rose.', 'Shares of Apple Inc. rose 4.48% on Friday.'),
    ('Prices rose 4.48% last year.', 'Analysts expect more of the same.'),
    ('He paid US$1.1 million for the site.', 'The deal closed in March.'),
    ('Fresh food, fruit, etc. need traffic to survive.', 'Malls bring that traffic.'),
    ('The firm was ranked No. 1 in the country.', 'It won again in 2008.'),
    ('He said, "We are done."', 'Then he left the room.'),
    ('“We are done.”', 'Then he left the room.'),
    ('"Why are we shutting the service down?" she asked.', 'Nobody answered.'),
    ('Sales rose; profits fell.', 'Next year is uncertain.'),
    ('The U.S. economy grew.', 'The U.K. economy shrank.'),
    ('John B. T. Campbell III voted against the plan.', 'George W. Bush signed it anyway.'),
    ('The bill passed 380–34.', 'Campbell called it “wealth redistribution.”', 'He was outvoted.'),
    ('Mrs. Green and Ms. White arrived late.', 'The meeting had started.'),
    ('The rate was 5.25 percent.', 'It was cut to 4.5 percent on Jan. 3.'),
    ('Why are we shutting the service down?', 'Well, the short answer is cost!', 'It is that simple.'),
    ('The host, DivX, Inc., closed its site.', 'Users were upset.'),
    ('Sales rose.', '(The figures are preliminary.)', 'Profits fell.'),
    ('Visit www.example.com for details.', 'It is free.'),
    ('Call between 9 a.m. and 5 p.m. CT Monday through Friday.', 'Lines are busy.'),
    ('Northrop paid a total of US$750,000 to the Prince.', 'Bleich bases her conclusions on a secret document.'),
    ('Tokyo Electric Power Co. said on Monday it will raise prices.', 'Customers complained.'),
    ('He earned a Ph.D. in economics.', 'He then joined the bank.'),
    ('Shares of Bayer fell 75 cents to $37.20.', 'Analysts were surprised.'),
    ('The index closed at 12,345.67 points.', 'Volume was light.'),
    ('It is not optimistic to hold on to “small and beautiful”.', 'I want to climb through this stage desperately and dare not be satisfied with the so-called “small and beautiful” stage.'),
    ('this Ka store continues to be the mainstream business form.', 'No matter in the 1990s or today, ordinary people who want to start their own businesses through entities must rely on the stores.'),
    ('for example, jewelry, cooked food, fresh food, fruit, etc. need to cooperate with the mall in order to survive and develop, because only this can bring traffic and sales.',),
    ('Some friends believe that the current era is an era in which “small and beautiful” is popular and can flourish.', 'Some friends believe that the environment faced by “small and beautiful” is extremely harsh, especially in the next three years from 2017.'),
    ('secondly, due to the emergence of the epidemic, most enterprises can’t return to work.', 'Therefore, they turn to live broadcast and short video.'),
    ('‘Small is beautiful,’ he wrote.', 'Few agreed.'),
    ('The Gov. of Texas, Sen. Cruz and Rep. Smith met on Feb. 12.', 'They disagreed.'),
    ('The stock rose 10 pct. in early trading.', 'It later fell.'),
    ('Lockheed merged with Martin Marietta in 1995, creating Lockheed Martin.', 'On 30 April 1980 Beatrix succeeded her mother to the Dutch throne.'),
    ('Revenue was €42.3bn.', 'Profit was £3.3bn.'),
    ('The deal, announced Jan. 28, values the firm at $2 billion.', 'Regulators must approve it.'),
    ('Is the Indonesian government right to keep majority holdings?', 'Garuda is not quite 10 years old.'),
    ('The meeting was held in Washington, D.C. on Tuesday.', 'The G7 attended.'),
    ('Wal-Mart Stores Inc. and Target Corp. both reported sales.', 'Both beat forecasts.'),
    ('Friends who are optimistic about “small and beautiful” companies believe that the platform is becoming more and more perfect.', 'Friends who are not optimistic disagree!'),
    ('He said: “I suggest that those friends should make more friends in the circle.”', 'Few listened.'),
    ('Sales were flat in Q3 2008, i.e. unchanged from Q2.', 'Costs rose.'),
    ('The S&P 500 fell 1.2 pct, the Dow Jones Industrial Average lost 120.5 points.', 'Oil rose to US$ 98.10 a barrel.'),
    ('Approx. 7,200 units were made by Northern Tool & Equipment Co., of Burnsville, Minnesota.', 'The reason for the recall is lead paint.'),
    ('The recall covers model no. 4521.', 'Stop using it.'),
    ('It was the biggest drop since Sept. 11, 2001.', 'Markets recovered.'),
    # more abbreviations, initials and quotes
    ("Mr. Lee left the U.S.", "He now lives in Canada."),
    ("CEO Sigurjón Þ. Árnason resigned.", "Lewis v. Superior Court was cited."),
    ("Libyan Airlines chairman Eng. Tarek Arebi said “This is our plan.", "We will grow.”"),
    ("Sales fell...", "Then they rose.", "Nobody knew why!"),
    ('"They said no.', "That's it.\""),
]


@pytest.mark.parametrize("sentences", CASES, ids=lambda s: s[0][:40])
def test_hand_checked_paragraphs(sentences: tuple[str, ...]) -> None:
    assert split_sentences(" ".join(sentences)) == sentences


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("Sales rose; profits fell; costs were flat.", ("Sales rose; profits fell; costs were flat.",)),
        ("小而美的企业需要认识六大趋势。电子商务平台越来越完善！对吗？", ("小而美的企业需要认识六大趋势。", "电子商务平台越来越完善！", "对吗？")),
        ("他说：“好。”然后走了。", ("他说：“好。”", "然后走了。")),
        ("", ()),
        ("   ", ()),
        ("No final stop", ("No final stop",)),
        ("  Leading and trailing space.  Two.  ", ("Leading and trailing space.", "Two.")),
    ],
)
def test_edge_cases(paragraph: str, sentences: tuple[str, ...]) -> None:
    assert split_sentences(paragraph) == sentences


def test_sentences_are_slices_of_the_paragraph_in_order() -> None:
    paragraph = "The U.S. economy grew 4.48% in 2007.  “It is strong,” he said. Really?  Yes!"
    sentences = split_sentences(paragraph)
    assert sentences == ("The U.S. economy grew 4.48% in 2007.", "“It is strong,” he said.", "Really?", "Yes!")
    position = 0
    for sentence in sentences:  # str.index raises if a sentence is not found after the last
        position = paragraph.index(sentence, position) + len(sentence)
    assert position == len(paragraph)


@pytest.mark.parametrize(
    "paragraph",
    ["a. " * 200_000, "." * 600_000, "x" * 600_000 + ". Y.", "U.S. " * 120_000, "“x.” " * 120_000],
)
def test_long_paragraphs_split_in_linear_time(paragraph: str) -> None:
    # ~600 kB each; quadratic behaviour would take minutes.
    started = time.perf_counter()
    split_sentences(paragraph)
    assert time.perf_counter() - started < 5

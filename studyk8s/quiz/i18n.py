"""Prompt and explanation texts, in the note's language (zh or en; other languages get en)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "zh": {
        "definition_term": "哪个术语符合这个描述？",
        "definition_term_group": "哪个{group}符合这个描述？",
        "term_definition": "{term} 是什么？",
        "membership": "以下哪些属于「{group}」？（多选）",
        "items": "以下哪些是「{term}」列出的内容？（多选）",
        "true_false": "判断对错：下面对 {term} 的描述正确吗？",
        "matching": "将术语与描述配对",
        "matching_group": "将{group}与描述配对",
        "typed_term": "写出符合这个描述的术语：",
        "typed_cloze": "填空：",
        "typed_abbreviation": "写出 {term} 的全称：",
        "abbreviation_choice": "{term} 是哪个词的缩写？",
        "blank": "＿＿＿",
        "true": "正确",
        "false": "错误",
        "sep": "：",
        "list_sep": "、",
        # verdicts
        "no_answer": "没有作答。",
        "right": "回答正确。",
        "wrong": "回答错误。",
        "partly_right": "部分正确。",
        "answer_is": "正确答案：{answer}",
        "exact": "正确：{answer}。",
        "folded": "正确：与「{answer}」一致（忽略大小写、全半角、空格和标点）。",
        "alias": "正确：「{given}」是 {answer} 的别名。",
        "typo": "正确（有 {n} 处拼写错误）：应拼写为 {answer}，你写的是「{given}」。",
        "too_many_typos": "错误：「{given}」与 {answer} 相差 {n} 处，"
                          "最多只允许 {allowed} 处拼写错误。",
        "short_term": "错误：{answer} 少于 {min} 个字母，不容许拼写错误；你写的是「{given}」。",
        "no_typos_cjk": "错误：正确答案是「{answer}」，你写的是「{given}」。",
        "confusable": "错误：「{given}」是另一个术语 {other}，正确答案是 {answer}。",
        "multi_partial": "选对 {hits}/{total} 项，选错 {wrong} 项。",
        "missed": "漏选：{items}",
        "extra": "误选：{items}",
        "pairs": "配对正确 {hits}/{total}。",
        "belongs_to": "这段描述属于 {other}。",
    },
    "en": {
        "definition_term": "Which term matches this description?",
        "definition_term_group": "Which of the {group} matches this description?",
        "term_definition": "What is {term}?",
        "membership": "Which of these are {group}? (select all that apply)",
        "items": "Which of these are listed under {term}? (select all that apply)",
        "true_false": "True or false: is this a correct description of {term}?",
        "matching": "Match each term to its description",
        "matching_group": "Match each of the {group} to its description",
        "typed_term": "Type the term that matches this description:",
        "typed_cloze": "Fill in the blank:",
        "typed_abbreviation": "What does {term} stand for?",
        "abbreviation_choice": "What is {term} short for?",
        "blank": "_____",
        "true": "True",
        "false": "False",
        "sep": ": ",
        "list_sep": ", ",
        "no_answer": "No answer given.",
        "right": "Correct.",
        "wrong": "Not correct.",
        "partly_right": "Partly correct.",
        "answer_is": "The answer is: {answer}",
        "exact": "Correct: {answer}.",
        "folded": "Correct: matches “{answer}” (case, width, spaces and punctuation ignored).",
        "alias": "Correct: “{given}” is another name for {answer}.",
        "typo": "Accepted with {n} typo(s): it is spelled {answer}; you typed “{given}”.",
        "too_many_typos": "Not accepted: “{given}” is {n} edits away from {answer}; "
                          "at most {allowed} typo(s) are forgiven.",
        "short_term": "Not accepted: {answer} has fewer than {min} letters, so typos are not "
                      "forgiven; you typed “{given}”.",
        "no_typos_cjk": "Not accepted: the answer is “{answer}”; you typed “{given}”.",
        "confusable": "Not accepted: “{given}” is a different term ({other}); the answer is "
                      "{answer}.",
        "multi_partial": "{hits} of {total} right, {wrong} wrong pick(s).",
        "missed": "Missed: {items}",
        "extra": "Wrong picks: {items}",
        "pairs": "{hits} of {total} pairs right.",
        "belongs_to": "That description belongs to {other}.",
    },
}


def t(lang: str, key: str, **kw: object) -> str:
    table = TEXTS.get(lang) or TEXTS["en"]
    return table[key].format(**kw)


def join(lang: str, items: list[str] | tuple[str, ...]) -> str:
    return t(lang, "list_sep").join(items)

"""studyk8s: Markdown notes about Kubernetes → flashcards and quizzes.

Empty on purpose: importing the domain (``studyk8s.notes``…) loads no Flask.
"""

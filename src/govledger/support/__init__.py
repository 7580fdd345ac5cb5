"""The support desk: ask from any page, staff answer in the app, published answers make the help page."""

from .store import (
                    STAFF_ROLES,
                    Question,
                    QuestionNotFoundError,
                    SupportInputError,
                    answer,
                    ask,
                    asked_by,
                    create_tables,
                    help_entries,
                    open_questions,
                    question,
)

__all__ = ["STAFF_ROLES", "Question", "QuestionNotFoundError", "SupportInputError", "answer", "ask", "asked_by",
           "create_tables", "help_entries", "open_questions", "question"]

"""Page models, re-exported here as wagtail.models does."""

from .articles import ArticleAuthor, ArticleKind, ArticlePage
from .base import BasePage, HomePage, LibraryIndexPage, LibraryPage, StandardPage
from .teaching import TeachingMaterialDownload, TeachingMaterialPage
from .tools import ToolPage

__all__ = [
    "ArticleAuthor",
    "ArticleKind",
    "ArticlePage",
    "BasePage",
    "HomePage",
    "LibraryIndexPage",
    "LibraryPage",
    "StandardPage",
    "TeachingMaterialDownload",
    "TeachingMaterialPage",
    "ToolPage",
]

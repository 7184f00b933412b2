"""Step 1 tasks: fetch a brand's sources, store what they returned (batches, never per mention)."""

from __future__ import annotations

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from crisiswatch.config import BrandConfig
from crisiswatch.connectors.x.port import MentionSource
from crisiswatch.ingest import Source, StoreResult, ensure_brand, fetch_new_posts, load_cursors, store_pages
from crisiswatch.records import FetchedPage
from tasks.retry import BACKOFF, retry_before_reset


@task(cache_policy=NO_CACHE)
def prepare_brand(db_url: str, brand: BrandConfig, source: MentionSource) -> tuple[int, int]:
    """The brand's row id and X user id (looked up from the handle once when not configured)."""
    from sqlalchemy import select

    from crisiswatch.db.models import Brand
    from crisiswatch.db.session import session_scope

    user_id = brand.user_id
    if user_id is None:
        with session_scope(db_url) as s:
            user_id = s.scalar(select(Brand.x_user_id).where(Brand.slug == brand.slug))
    if user_id is None:
        user_id = source.lookup_user(brand.handle).x_id
    return ensure_brand(db_url, brand, x_user_id=user_id), user_id


@task(cache_policy=NO_CACHE)
def read_cursors(db_url: str, brand_id: int) -> dict[Source, int | None]:
    return load_cursors(db_url, brand_id)


@task(
    cache_policy=NO_CACHE,
    retries=len(BACKOFF),
    retry_delay_seconds=BACKOFF,
    retry_condition_fn=retry_before_reset,  # a 15-minute rate limit skips the source this tick
    task_run_name="fetch {src.label}",
)
def fetch_source(source: MentionSource, src: Source, brand_user_id: int, since_id: int | None) -> FetchedPage:
    """Every new post of one source since its cursor, all pages."""
    page = fetch_new_posts(source, src, brand_user_id, since_id)
    if page.rejected:
        logger = get_run_logger()
        for reason in page.rejected[:20]:
            logger.warning("rejected a post from %s: %s", src.label, reason)
    return page


@task(cache_policy=NO_CACHE)
def store_mentions(db_url: str, brand_id: int, brand: BrandConfig, pages: list[FetchedPage], brand_user_id: int) -> StoreResult:
    """All pages of the tick in one transaction; cursors move only with their mentions."""
    result = store_pages(db_url, brand_id, brand, pages, brand_user_id=brand_user_id)
    get_run_logger().info("stored %d new mentions, %d already stored, %d rejected", result.stored, result.duplicates, result.rejected)
    return result

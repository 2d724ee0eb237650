"""Lists that show klien record which klien they showed, so the audit trail can answer."""

from __future__ import annotations

from storage import Database
from tests.conftest import Chat, World


async def details(db: Database, action: str) -> list[str]:
    async with db.read() as tx:
        rows = await tx.audit._all("SELECT detail FROM audit_log WHERE action = ?", (action,))
    return [r["detail"] for r in rows]


async def test_search_and_list_record_the_klien_shown(router, db: Database,
                                                      world: World) -> None:
    officer = Chat(router, "2001")
    await officer.send("/klien Budi")  # three matches: a list of choices
    [search] = await details(db, "klien.search")
    assert search.endswith(",".join(str(k) for k in sorted(world.klien_a)))
    coordinator = Chat(router, "1001")
    await coordinator.send("/klien")
    [listing] = await details(db, "klien.list")
    shown = {int(x) for x in listing.rsplit(" ", 1)[1].split(",")}
    assert shown == set(world.klien_a)

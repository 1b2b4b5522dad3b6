//! The foreign-key statement the migrations share. Landed migrations call it, so it must keep
//! building the same statement: change it only by adding a new helper.

use sea_orm_migration::prelude::*;

/// A named foreign key `from` → `to`; with `cascade`, deleting the parent deletes the rows.
pub(crate) fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    cascade: bool,
) -> ForeignKeyCreateStatement {
    let mut f = ForeignKey::create();
    f.name(name).from(from.0, from.1).to(to.0, to.1);
    if cascade {
        f.on_delete(ForeignKeyAction::Cascade);
    }
    f.to_owned()
}

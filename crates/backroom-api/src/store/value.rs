//! The values that cross the facade: what a statement is given ([`ToSql`], [`Params`]) and
//! what a row gives back ([`FromSql`]), the same on both engines. Reading is lenient the way
//! SQLite is: an integer reads as a number, a 0/1 as a bool, a whole NUMERIC (PostgreSQL's
//! `sum` of integers) as an integer.

use super::{Error, Result};

/// One value as a statement takes it or a row holds it, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// One value, owned: a row read from PostgreSQL holds these.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

impl Value {
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Null => ValueRef::Null,
            Value::Integer(i) => ValueRef::Integer(*i),
            Value::Real(f) => ValueRef::Real(*f),
            Value::Text(s) => ValueRef::Text(s),
            Value::Blob(b) => ValueRef::Blob(b),
        }
    }
}

impl ValueRef<'_> {
    pub fn to_owned(self) -> Value {
        match self {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Integer(i),
            ValueRef::Real(f) => Value::Real(f),
            ValueRef::Text(s) => Value::Text(s.to_owned()),
            ValueRef::Blob(b) => Value::Blob(b.to_owned()),
        }
    }

    /// What kind of value this is, for an error that names it.
    fn kind(&self) -> &'static str {
        match self {
            ValueRef::Null => "null",
            ValueRef::Integer(_) => "an integer",
            ValueRef::Real(_) => "a real number",
            ValueRef::Text(_) => "text",
            ValueRef::Blob(_) => "bytes",
        }
    }
}

/// A value a statement can be given.
pub trait ToSql {
    fn to_sql(&self) -> Result<ValueRef<'_>>;
}

/// A value a row's column can be read as.
pub trait FromSql: Sized {
    fn column_result(value: ValueRef<'_>) -> Result<Self>;
}

/// The error for a column that holds something `wanted` cannot be read from.
pub fn wrong_type(value: ValueRef<'_>, wanted: &str) -> Error {
    Error::Conversion(format!("{} cannot be read as {wanted}", value.kind()))
}

impl<T: ToSql + ?Sized> ToSql for &T {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        (**self).to_sql()
    }
}

impl<T: ToSql> ToSql for Option<T> {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        match self {
            Some(value) => value.to_sql(),
            None => Ok(ValueRef::Null),
        }
    }
}

impl<T: ToSql + ?Sized> ToSql for Box<T> {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        (**self).to_sql()
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(self.as_ref())
    }
}

impl ToSql for ValueRef<'_> {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(*self)
    }
}

impl ToSql for str {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Text(self))
    }
}

impl ToSql for String {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Text(self))
    }
}

impl ToSql for [u8] {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Blob(self))
    }
}

impl ToSql for Vec<u8> {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Blob(self))
    }
}

impl ToSql for bool {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Integer(i64::from(*self)))
    }
}

impl ToSql for f64 {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Real(*self))
    }
}

impl ToSql for f32 {
    fn to_sql(&self) -> Result<ValueRef<'_>> {
        Ok(ValueRef::Real(f64::from(*self)))
    }
}

/// Integers of every width bind as the one integer both engines keep (64 bits); one too big
/// for it is refused rather than wrapped.
macro_rules! integer_to_sql {
    ($($t:ty),*) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> Result<ValueRef<'_>> {
                i64::try_from(*self)
                    .map(ValueRef::Integer)
                    .map_err(|_| Error::Conversion(format!("{self} is too big to keep")))
            }
        }
    )*};
}
integer_to_sql!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl<T: FromSql> FromSql for Option<T> {
    fn column_result(value: ValueRef<'_>) -> Result<Self> {
        match value {
            ValueRef::Null => Ok(None),
            value => T::column_result(value).map(Some),
        }
    }
}

impl FromSql for Value {
    fn column_result(value: ValueRef<'_>) -> Result<Self> {
        Ok(value.to_owned())
    }
}

impl FromSql for String {
    fn column_result(value: ValueRef<'_>) -> Result<Self> {
        match value {
            ValueRef::Text(s) => Ok(s.to_owned()),
            other => Err(wrong_type(other, "text")),
        }
    }
}

impl FromSql for Vec<u8> {
    fn column_result(value: ValueRef<'_>) -> Result<Self> {
        match value {
            ValueRef::Blob(b) => Ok(b.to_owned()),
            ValueRef::Text(s) => Ok(s.as_bytes().to_owned()),
            other => Err(wrong_type(other, "bytes")),
        }
    }
}

impl FromSql for f64 {
    fn column_result(value: ValueRef<'_>) -> Result<Self> {
        match value {
            ValueRef::Real(f) => Ok(f),
            ValueRef::Integer(i) => Ok(i as f64),
            other => Err(wrong_type(other, "a number")),
        }
    }
}

impl FromSql for f32 {
    fn column_result(value: ValueRef<'_>) -> Result<Self> {
        f64::column_result(value).map(|f| f as f32)
    }
}

impl FromSql for bool {
    fn column_result(value: ValueRef<'_>) -> Result<Self> {
        match value {
            ValueRef::Integer(i) => Ok(i != 0),
            other => Err(wrong_type(other, "yes or no")),
        }
    }
}

/// Integers of every width read from the 64-bit integer both engines keep; one that does not
/// fit the width asked for is an error, never a wrapped number.
macro_rules! integer_from_sql {
    ($($t:ty),*) => {$(
        impl FromSql for $t {
            fn column_result(value: ValueRef<'_>) -> Result<Self> {
                match value {
                    ValueRef::Integer(i) => <$t>::try_from(i).map_err(|_| {
                        Error::Conversion(format!("{i} does not fit {}", stringify!($t)))
                    }),
                    other => Err(wrong_type(other, "an integer")),
                }
            }
        }
    )*};
}
integer_from_sql!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// What a statement is given: its parameters in order (`?1`, `?2`, ...).
pub trait Params {
    fn values(&self) -> Result<Vec<ValueRef<'_>>>;
}

impl Params for [&dyn ToSql; 0] {
    fn values(&self) -> Result<Vec<ValueRef<'_>>> {
        Ok(Vec::new())
    }
}

impl Params for () {
    fn values(&self) -> Result<Vec<ValueRef<'_>>> {
        Ok(Vec::new())
    }
}

impl Params for &[&dyn ToSql] {
    fn values(&self) -> Result<Vec<ValueRef<'_>>> {
        self.iter().map(|p| p.to_sql()).collect()
    }
}

impl Params for Vec<Value> {
    fn values(&self) -> Result<Vec<ValueRef<'_>>> {
        Ok(self.iter().map(Value::as_ref).collect())
    }
}

macro_rules! array_params {
    ($($n:literal),*) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn values(&self) -> Result<Vec<ValueRef<'_>>> {
                self.iter().map(|p| p.to_sql()).collect()
            }
        }
        impl<T: ToSql + ?Sized> Params for &[&T; $n] {
            fn values(&self) -> Result<Vec<ValueRef<'_>>> {
                self.iter().map(|p| p.to_sql()).collect()
            }
        }
    )*};
}
array_params!(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

/// Parameters of different types, in order: `params![sku, qty, note]`.
#[macro_export]
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::store::ToSql]
    };
    ($($param:expr),+ $(,)?) => {
        &[$(&$param as &dyn $crate::store::ToSql),+] as &[&dyn $crate::store::ToSql]
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_only_into_widths_they_fit() {
        assert_eq!(u8::column_result(ValueRef::Integer(255)).unwrap(), 255);
        assert!(u8::column_result(ValueRef::Integer(256)).is_err());
        assert!(u32::column_result(ValueRef::Integer(-1)).is_err());
        assert!(i64::column_result(ValueRef::Text("1")).is_err());
    }

    #[test]
    fn reading_is_as_lenient_as_sqlite() {
        assert_eq!(f64::column_result(ValueRef::Integer(3)).unwrap(), 3.0);
        assert!(bool::column_result(ValueRef::Integer(1)).unwrap());
        assert_eq!(Option::<i64>::column_result(ValueRef::Null).unwrap(), None);
    }

    #[test]
    fn a_number_too_big_to_keep_is_refused() {
        assert!(u64::MAX.to_sql().is_err());
        assert_eq!(7u32.to_sql().unwrap(), ValueRef::Integer(7));
    }
}

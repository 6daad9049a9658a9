//! A minimal deterministic ZIP writer: deflated entries in the order given, one fixed
//! timestamp, UTF-8 names, no extra fields, so the same files always give the same bytes.
//!
//! Written here on crc32fast and flate2 (both already used) rather than pulling in the `zip`
//! crate: writing is all we need, and the format's writing side is a few dozen lines.

use crate::date::Date;
use std::io::Write as _;

/// Bit 11 of the general-purpose flags: names are UTF-8 (Chinese file names stay readable).
const UTF8_NAMES: u16 = 1 << 11;
const DEFLATE: u16 = 8;
/// ZIP 2.0: deflate.
const VERSION: u16 = 20;

/// `entries` (name → bytes, names with `/`) as a ZIP archive, every entry dated `date` 00:00.
pub fn write<'a>(entries: impl IntoIterator<Item = (&'a str, &'a [u8])>, date: Date) -> Vec<u8> {
    let dos_date = date.dos_date();
    let dos_time: u16 = 0;
    let mut out = Vec::new();
    let mut central = Vec::new();
    let mut count: u16 = 0;
    for (name, bytes) in entries {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        // Writing into a Vec cannot fail.
        let _ = enc.write_all(bytes);
        let packed = enc.finish().unwrap_or_default();
        let crc = crc32fast::hash(bytes);
        let offset = out.len() as u32;
        let common = |buf: &mut Vec<u8>| {
            put16(buf, VERSION);
            put16(buf, UTF8_NAMES);
            put16(buf, DEFLATE);
            put16(buf, dos_time);
            put16(buf, dos_date);
            put32(buf, crc);
            put32(buf, packed.len() as u32);
            put32(buf, bytes.len() as u32);
            put16(buf, name.len() as u16);
            put16(buf, 0); // extra field length
        };
        put32(&mut out, 0x0403_4b50);
        common(&mut out);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&packed);

        put32(&mut central, 0x0201_4b50);
        put16(&mut central, VERSION); // made by: MS-DOS, 2.0
        common(&mut central);
        put16(&mut central, 0); // comment length
        put16(&mut central, 0); // disk number
        put16(&mut central, 0); // internal attributes
        put32(&mut central, 0); // external attributes
        put32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
        count += 1;
    }
    let central_offset = out.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0); // this disk
    put16(&mut out, 0); // disk with the central directory
    put16(&mut out, count);
    put16(&mut out, count);
    put32(&mut out, central.len() as u32);
    put32(&mut out, central_offset);
    put16(&mut out, 0); // comment length
    out
}

fn put16(buf: &mut Vec<u8>, v: u16) {
    buf.extend_from_slice(&v.to_le_bytes());
}

fn put32(buf: &mut Vec<u8>, v: u32) {
    buf.extend_from_slice(&v.to_le_bytes());
}

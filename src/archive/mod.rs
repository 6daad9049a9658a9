//! The archive layer: freezing an edition's rendered files with their manifest, checking an
//! archived folder against it (`folder`), and public corrections (`amend`). The manifest format
//! is the model's (`model::manifest`); reading archive/ into a build is the load layer's.

pub mod amend;
pub mod folder;
pub mod verify;

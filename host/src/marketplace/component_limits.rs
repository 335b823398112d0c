//! What a component declares about its resources, read with wasmparser
//! before it ever runs: the initial size of the linear memories it defines
//! must fit together in the per-run memory limit, or every instantiation would fail.

use wasmparser::{Parser, Payload};

/// The initial linear memory the component's modules declare in all, in bytes.
pub fn total_initial_memory(bytes: &[u8]) -> Result<u64, String> {
    let mut total = 0u64;
    for payload in Parser::new(0).parse_all(bytes) {
        if let Payload::MemorySection(reader) = payload.map_err(|e| e.to_string())? {
            for memory in reader {
                let memory = memory.map_err(|e| e.to_string())?;
                let page = 1u64 << memory.page_size_log2.unwrap_or(16);
                total = total.saturating_add(memory.initial.saturating_mul(page));
            }
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_initial_memory_of_nested_modules() {
        let module = wat::parse_str("(module (memory 3))").unwrap();
        assert_eq!(total_initial_memory(&module).unwrap(), 3 * 65536);
        let component =
            wat::parse_str("(component (core module (memory 2)) (core module (memory 40)))")
                .unwrap();
        assert_eq!(total_initial_memory(&component).unwrap(), 42 * 65536);
    }
}

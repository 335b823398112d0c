//! A hand-written recursive-descent parser for templates.
//!
//! ```text
//! template   := ( text | "\{{" | expression )*
//! expression := "{{" operand ( "|" filter )* "}}"
//! operand    := path | string | number
//! path       := name ( "." field | "[" digits "]" )*
//! filter     := name ( ":" argument ( "," argument )* )?
//! argument   := string | number
//! string     := "'" … "'" | '"' … '"'   (escapes: \\ \' \" \n \t \r)
//! number     := "-"? digits ( "." digits )?
//! ```
//! Whitespace is allowed around operands, `|`, `:` and `,` inside an expression.

use serde_json::{Number, Value};

use super::ast::{Expression, FilterCall, Operand, Part, PathSegment, VariablePath};
use super::error::TemplateError;
use super::filters::{Argument, Filter};

/// Splits `source` into literal text and parsed expressions.
pub(super) fn parse_parts(source: &str) -> Result<Vec<Part>, TemplateError> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut rest = 0;
    while let Some(found) = source[rest..].find("{{") {
        let open = rest + found;
        if open > rest && source.as_bytes()[open - 1] == b'\\' {
            text.push_str(&source[rest..open - 1]);
            text.push_str("{{");
            rest = open + 2;
            continue;
        }
        text.push_str(&source[rest..open]);
        if !text.is_empty() {
            parts.push(Part::Text(std::mem::take(&mut text)));
        }
        let mut scanner = Scanner {
            source,
            pos: open + 2,
            open,
        };
        parts.push(Part::Expression(scanner.expression()?));
        rest = scanner.pos;
    }
    text.push_str(&source[rest..]);
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

/// Reads one expression; `pos` starts just after `{{` and ends just after `}}`.
struct Scanner<'s> {
    source: &'s str,
    pos: usize,
    /// Where the expression's `{{` is, for "unclosed" errors.
    open: usize,
}

impl<'s> Scanner<'s> {
    fn peek(&self) -> Option<char> {
        self.source[self.pos..].chars().next()
    }

    fn peek_second(&self) -> Option<char> {
        self.source[self.pos..].chars().nth(1)
    }

    fn eat(&mut self, expected: char) -> bool {
        let matches = self.peek() == Some(expected);
        if matches {
            self.pos += expected.len_utf8();
        }
        matches
    }

    fn skip_whitespace(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn at_close(&self) -> bool {
        self.source[self.pos..].starts_with("}}")
    }

    fn unclosed(&self) -> TemplateError {
        TemplateError::new(
            self.open,
            "`{{` is never closed with `}}` (write `\\{{` for a literal `{{`)",
        )
    }

    fn take_while(&mut self, accept: impl Fn(u8) -> bool) -> &'s str {
        let start = self.pos;
        let bytes = self.source.as_bytes();
        while self.pos < bytes.len() && accept(bytes[self.pos]) {
            self.pos += 1;
        }
        &self.source[start..self.pos]
    }

    fn name(&mut self) -> &'s str {
        self.take_while(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }

    fn digits(&mut self) -> &'s str {
        self.take_while(|b| b.is_ascii_digit())
    }

    fn expression(&mut self) -> Result<Expression, TemplateError> {
        self.skip_whitespace();
        let operand = self.operand()?;
        let mut filters = Vec::new();
        loop {
            self.skip_whitespace();
            if self.at_close() {
                self.pos += 2;
                return Ok(Expression { operand, filters });
            }
            match self.peek() {
                Some('|') => {
                    self.pos += 1;
                    filters.push(self.filter()?);
                }
                None => return Err(self.unclosed()),
                Some(other) => {
                    return Err(TemplateError::new(
                        self.pos,
                        format!("expected `|` or `}}}}`, found `{other}`"),
                    ));
                }
            }
        }
    }

    fn operand(&mut self) -> Result<Operand, TemplateError> {
        match self.peek() {
            None => Err(self.unclosed()),
            Some('\'' | '"') => Ok(Operand::Literal(Value::String(self.string()?))),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                Ok(Operand::Literal(Value::Number(self.number()?)))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => Ok(Operand::Variable(self.path()?)),
            Some('}') if self.at_close() => Err(TemplateError::new(
                self.pos,
                "empty expression: expected a variable such as `contact.first_name`",
            )),
            Some(other) => Err(TemplateError::new(
                self.pos,
                format!("unexpected `{other}`: expected a variable, a quoted string or a number"),
            )),
        }
    }

    fn path(&mut self) -> Result<VariablePath, TemplateError> {
        let offset = self.pos;
        let mut segments = vec![PathSegment::Key(self.name().to_owned())];
        loop {
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    let field = self.name();
                    if field.is_empty() {
                        return Err(TemplateError::new(
                            self.pos,
                            "expected a field name after `.`",
                        ));
                    }
                    segments.push(PathSegment::Key(field.to_owned()));
                }
                Some('[') => {
                    let bracket = self.pos;
                    self.pos += 1;
                    let digits = self.digits();
                    if digits.is_empty() || !self.eat(']') {
                        return Err(TemplateError::new(
                            bracket,
                            "expected a list index such as `[0]`",
                        ));
                    }
                    let index = digits.parse().map_err(|_| {
                        TemplateError::new(bracket, format!("index `{digits}` is too large"))
                    })?;
                    segments.push(PathSegment::Index(index));
                }
                _ => return Ok(VariablePath { segments, offset }),
            }
        }
    }

    fn number(&mut self) -> Result<Number, TemplateError> {
        let start = self.pos;
        self.eat('-');
        if self.digits().is_empty() {
            return Err(TemplateError::new(start, "expected a number"));
        }
        let fractional =
            self.peek() == Some('.') && self.peek_second().is_some_and(|c| c.is_ascii_digit());
        if fractional {
            self.pos += 1;
            self.digits();
        }
        let text = &self.source[start..self.pos];
        if !fractional && let Ok(integer) = text.parse::<i64>() {
            return Ok(integer.into());
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .ok_or_else(|| TemplateError::new(start, format!("number `{text}` is out of range")))
    }

    fn string(&mut self) -> Result<String, TemplateError> {
        let start = self.pos;
        let unterminated = || TemplateError::new(start, "string is never closed");
        let Some(quote) = self.peek() else {
            return Err(unterminated());
        };
        self.pos += 1;
        let mut text = String::new();
        loop {
            let c = self.peek().ok_or_else(unterminated)?;
            self.pos += c.len_utf8();
            if c == quote {
                return Ok(text);
            }
            if c != '\\' {
                text.push(c);
                continue;
            }
            let escaped = self.peek().ok_or_else(unterminated)?;
            text.push(match escaped {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' | '\'' | '"' => escaped,
                other => {
                    return Err(TemplateError::new(
                        self.pos - 1,
                        format!(
                            "unknown escape `\\{other}` (use \\\\, \\', \\\", \\n, \\t or \\r)"
                        ),
                    ));
                }
            });
            self.pos += escaped.len_utf8();
        }
    }

    fn filter(&mut self) -> Result<FilterCall, TemplateError> {
        self.skip_whitespace();
        let offset = self.pos;
        let name = match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == '_' => self.name(),
            None => return Err(self.unclosed()),
            Some(_) => {
                return Err(TemplateError::new(
                    offset,
                    "expected a filter name after `|`",
                ));
            }
        };
        self.skip_whitespace();
        let mut arguments = Vec::new();
        if self.eat(':') {
            loop {
                self.skip_whitespace();
                let argument_offset = self.pos;
                let value = match self.peek() {
                    Some('\'' | '"') => Value::String(self.string()?),
                    Some(c) if c == '-' || c.is_ascii_digit() => Value::Number(self.number()?),
                    None => return Err(self.unclosed()),
                    Some(_) => {
                        return Err(TemplateError::new(
                            argument_offset,
                            format!("filter `{name}`: expected a quoted string or a number"),
                        ));
                    }
                };
                arguments.push(Argument {
                    value,
                    offset: argument_offset,
                });
                self.skip_whitespace();
                if !self.eat(',') {
                    break;
                }
            }
        }
        let filter = Filter::build(name, arguments, offset)?;
        Ok(FilterCall { filter, offset })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expression(source: &str) -> Expression {
        match parse_parts(source).unwrap().as_slice() {
            [Part::Expression(expression)] => expression.clone(),
            other => panic!("expected one expression, got {other:?}"),
        }
    }

    fn error(source: &str) -> TemplateError {
        parse_parts(source).unwrap_err()
    }

    #[test]
    fn text_and_expressions() {
        let parts = parse_parts("Hi {{ contact.first_name }}!").unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0], Part::Text("Hi ".into()));
        assert_eq!(parts[2], Part::Text("!".into()));
    }

    #[test]
    fn paths_with_fields_indexes_and_hyphens() {
        let Operand::Variable(path) = expression("{{steps.send-sms.output.items[2].id}}").operand
        else {
            panic!("expected a variable");
        };
        assert_eq!(path.to_string(), "steps.send-sms.output.items[2].id");
        assert_eq!(path.segments()[4], PathSegment::Index(2));
        assert_eq!(path.offset(), 2);
    }

    #[test]
    fn literals_and_filters() {
        let parsed = expression(r#"{{ 'it\'s' | default: "x\ty" | upper }}"#);
        assert!(parsed.operand == Operand::Literal(json!("it's")));
        assert!(
            error(r#"{{ 'a' | default: "x", 'z' }}"#)
                .message
                .contains("takes 1 argument")
        );
        let number = expression("{{ -12.5 }}");
        assert_eq!(number.operand, Operand::Literal(json!(-12.5)));
        let integer = expression("{{ 42 | json }}");
        assert_eq!(integer.operand, Operand::Literal(json!(42)));
        assert_eq!(integer.filters.len(), 1);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            parse_parts(r"\{{ not }}").unwrap(),
            vec![Part::Text("{{ not }}".into())]
        );
        assert_eq!(
            parse_parts(r"a\\{{b").unwrap(),
            vec![Part::Text(r"a\{{b".into())]
        );
        let parts = parse_parts("{{'{{'}}x").unwrap();
        assert_eq!(parts.len(), 2);
    }

    #[test]
    fn string_literals_may_contain_closing_braces() {
        let parts = parse_parts("{{ x | default: '}}' }}tail").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1], Part::Text("tail".into()));
    }

    #[test]
    fn errors_carry_positions() {
        assert_eq!(error("abc {{ contact.name").offset, 4);
        assert!(
            error("abc {{ contact.name")
                .message
                .contains("never closed")
        );
        assert_eq!(error("{{ }}").offset, 3);
        assert_eq!(error("{{ contact. }}").offset, 11);
        assert_eq!(error("{{ a | uper }}").offset, 7);
        assert!(
            error("{{ a | uper }}")
                .message
                .contains("unknown filter `uper`")
        );
        assert_eq!(error("{{ a b }}").offset, 5);
        assert!(error("{{ a[x] }}").message.contains("list index"));
        assert!(error("{{ 'abc }}").message.contains("never closed"));
        assert!(error(r"{{ 'a\q' }}").message.contains("unknown escape"));
        assert!(
            error("{{ a | truncate }}")
                .message
                .contains("takes 1 argument")
        );
        assert!(
            error("{{ a | upper: 1 }}")
                .message
                .contains("takes no arguments")
        );
        assert!(
            error("{{ a | default: b }}")
                .message
                .contains("quoted string or a number")
        );
        assert!(error("{{ a | }}").message.contains("filter name"));
        let huge = format!("{{{{ {} }}}}", "9".repeat(400));
        assert!(error(&huge).message.contains("out of range"));
    }
}

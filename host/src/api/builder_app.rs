//! The visual builder (a built single-page app, `builder/dist`) served at `/`
//! on the API's port: its files, and `index.html` for any other path outside
//! the API so the app's own routes survive a reload. Hashed assets are cached
//! for a year; everything else is revalidated.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use tower::ServiceExt as _;
use tower_http::services::{ServeDir, ServeFile};

use super::problem::{self, Problem};

/// Where the builder's build is, and whether it is there.
#[derive(Debug, Clone)]
pub enum BuilderApp {
    /// A directory holding `index.html` and its assets.
    Built(PathBuf),
    /// The directory has no build; `/` explains how to make one.
    Missing(PathBuf),
}

impl BuilderApp {
    /// Looks for a build in `dir`.
    pub fn locate(dir: &Path) -> Self {
        if dir.join("index.html").is_file() {
            Self::Built(dir.to_path_buf())
        } else {
            Self::Missing(dir.to_path_buf())
        }
    }

    /// Adds the builder to `router` as its fallback: API paths that match no
    /// route still get a problem document.
    pub fn serve<S: Clone + Send + Sync + 'static>(self, router: Router<S>) -> Router<S> {
        match self {
            Self::Built(dir) => {
                let files = ServeDir::new(&dir)
                    .append_index_html_on_directories(true)
                    .fallback(ServeFile::new(dir.join("index.html")));
                router.fallback(move |request: Request| {
                    let files = files.clone();
                    async move {
                        if is_api_path(request.uri().path()) {
                            return problem::not_found(request.uri().clone())
                                .await
                                .into_response();
                        }
                        let assets = request.uri().path().starts_with("/assets/");
                        let mut response = match files.oneshot(request).await {
                            Ok(response) => response.map(Body::new),
                            Err(never) => match never {},
                        };
                        let cache = if assets {
                            "public, max-age=31536000, immutable"
                        } else {
                            "no-cache"
                        };
                        response
                            .headers_mut()
                            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
                        response
                    }
                })
            }
            Self::Missing(dir) => router.fallback(move |request: Request| {
                let detail = if is_api_path(request.uri().path()) {
                    format!("no route for {}", request.uri().path())
                } else {
                    format!(
                        "the visual builder is not built in {}: run `make builder` (npm ci and a Vite build in builder/), or start the server with --builder-dir pointing at a build",
                        dir.display()
                    )
                };
                async move { Problem::not_found(detail).into_response() }
            }),
        }
    }
}

/// Paths owned by the API (and metrics), never answered with the app.
fn is_api_path(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/") || path == "/metrics"
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use axum::response::Response;
    use axum::routing::get;

    use super::*;

    fn app(dir: &Path) -> Router {
        let api = Router::new().route("/api/v2/health", get(|| async { "ok" }));
        BuilderApp::locate(dir).serve(api)
    }

    /// The body of a response, as text.
    async fn text(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    async fn call(router: &Router, path: &str) -> Response {
        router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn serves_files_the_app_routes_and_leaves_the_api_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<div id=root>").unwrap();
        std::fs::create_dir(dir.path().join("assets")).unwrap();
        std::fs::write(dir.path().join("assets/app-1a2b.js"), "run()").unwrap();
        let router = app(dir.path());

        let index = call(&router, "/").await;
        assert_eq!(index.status(), StatusCode::OK);
        assert_eq!(index.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(text(index).await, "<div id=root>");

        let asset = call(&router, "/assets/app-1a2b.js").await;
        assert_eq!(asset.status(), StatusCode::OK);
        assert!(
            asset.headers()[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .contains("immutable")
        );
        assert_eq!(text(asset).await, "run()");

        let route = call(&router, "/workflows/abc").await;
        assert_eq!(route.status(), StatusCode::OK);
        assert_eq!(text(route).await, "<div id=root>");

        assert_eq!(text(call(&router, "/api/v2/health").await).await, "ok");
        let unknown = call(&router, "/api/v2/nothing-here").await;
        assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
        assert!(
            text(unknown)
                .await
                .contains("no route for /api/v2/nothing-here")
        );
    }

    #[tokio::test]
    async fn a_missing_build_is_explained() {
        let dir = tempfile::tempdir().unwrap();
        let router = app(&dir.path().join("dist"));
        let root = call(&router, "/").await;
        assert_eq!(root.status(), StatusCode::NOT_FOUND);
        assert!(text(root).await.contains("make builder"));
        let api = call(&router, "/api/v2/nope").await;
        assert!(text(api).await.contains("no route for /api/v2/nope"));
    }
}

//! Writes one still of the synthetic camera to a JPEG file: `cargo run -p kiosk-drivers --example camera_still -- out.jpg`.

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "still.jpg".into());
    let cam =
        kiosk_drivers::camera::service::start(kiosk_drivers::camera::service::Source::synthetic(
            1280,
            720,
            30,
            kiosk_drivers::camera::service::Scene::Pattern,
        ));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    match cam
        .still()
        .await
        .map(|f| kiosk_drivers::camera::to_jpeg(&f, 85))
    {
        Ok(Ok(jpeg)) => {
            if let Err(e) = std::fs::write(&out, jpeg) {
                eprintln!("{out}: {e}");
                std::process::exit(1);
            }
        }
        Ok(Err(e)) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}

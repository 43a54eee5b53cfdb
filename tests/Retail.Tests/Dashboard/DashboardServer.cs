using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Retail.Tests.Http;

namespace Retail.Tests.Dashboard;

/// <summary>
/// The API on a real Kestrel listener (a browser needs a TCP port, not the in-memory test server),
/// and one headless Chromium from the system's package, shared by a test class.
/// </summary>
public sealed class DashboardServer : ApiFactory, IAsyncLifetime
{
    /// <summary>Debian's chromium; Playwright drives it over CDP, so no browser of Playwright's own is downloaded.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? playwright;

    public DashboardServer() => UseKestrel(0);

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: TestResults/screenshots under the test output folder.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async Task InitializeAsync()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1").Replace("0.0.0.0", "127.0.0.1"));
        BrowserTools.EnsureInstalled();
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"{ChromiumPath} is missing and could not be installed: install Debian's chromium package.");
        playwright = await Playwright.CreateAsync();
        var args = new List<string> { "--disable-dev-shm-usage", "--disable-gpu" };
        if (Environment.UserName == "root")
            args.Add("--no-sandbox");
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true, Args = args });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        playwright?.Dispose();
    }

    /// <summary>A fresh tab (its own sessionStorage) at a width, in Russian and Moscow time like a store's manager.</summary>
    public async Task<IPage> OpenAsync(int width = 1280, bool bypassCsp = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            Locale = "ru-RU",
            TimezoneId = "Europe/Moscow",
            BypassCSP = bypassCsp,
        });
        return await context.NewPageAsync();
    }

    /// <summary>Opens the page at a hash route and signs in with a token, as a person would.</summary>
    public static async Task SignInAsync(IPage page, string token, string route = "#/chain")
    {
        await page.GotoAsync("/" + route);
        await page.GetByLabel("Ключ API (токен)").FillAsync(token);
        await page.GetByRole(AriaRole.Button, new() { Name = "Войти" }).ClickAsync();
        await Assertions.Expect(page.Locator("#sign-out")).ToBeVisibleAsync();
    }

    /// <summary>Saves the page as it is at 1280 px and at a phone's 360 px; returns both paths.</summary>
    public static async Task<string[]> ScreenshotsAsync(IPage page, string name, Func<int, Task>? settle = null)
    {
        var paths = new List<string>();
        foreach (var width in new[] { 1280, 360 })
        {
            await page.SetViewportSizeAsync(width, 900);
            if (settle is not null)
                await settle(width);
            var path = Path.Combine(ScreenshotFolder, $"{name}-{width}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            paths.Add(path);
        }
        await page.SetViewportSizeAsync(1280, 900);
        return [.. paths];
    }
}

/// <summary>Installs chromium and axe-core once per test run when missing (deploy/browser-test-tools.sh), as the PostgreSQL tests install their server.</summary>
public static class BrowserTools
{
    private static readonly Lazy<bool> Installed = new(() =>
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var script = Path.Combine(folder.FullName, "deploy", "browser-test-tools.sh");
            if (!File.Exists(script))
                continue;
            using var install = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", [script]) { UseShellExecute = false })!;
            install.WaitForExit();
            return install.ExitCode == 0;
        }
        return false;
    });

    public static bool EnsureInstalled() => Installed.Value;
}

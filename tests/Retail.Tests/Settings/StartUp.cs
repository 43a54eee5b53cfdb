using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Retail.Hosting;

namespace Retail.Tests.Settings;

/// <summary>A host with one setting and one section registered: the options it starts with, or the line it stops with.</summary>
public static class StartUp
{
    public static IConfiguration With(string key, string? value) =>
        new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(key, value)]).Build();

    public static async Task<T> OptionsAsync<T>(string key, string? value) where T : class, ISettingsSection<T>, new()
    {
        using var host = Host<T>(key, value);
        await host.StartAsync();
        var options = host.Services.GetRequiredService<IOptions<T>>().Value;
        await host.StopAsync();
        return options;
    }

    /// <summary>The message start-up fails with; the section read while building a host fails with the same one.</summary>
    public static async Task<string> FailureAsync<T>(string key, string value) where T : class, ISettingsSection<T>, new()
    {
        using var host = Host<T>(key, value);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal(error.Message, Assert.Throws<OptionsValidationException>(() => With(key, value).ReadSettings<T>()).Message);
        return error.Message;
    }

    private static IHost Host<T>(string key, string? value) where T : class, ISettingsSection<T>, new()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([KeyValuePair.Create(key, value)]);
        builder.Services.AddSettings<T>();
        return builder.Build();
    }
}

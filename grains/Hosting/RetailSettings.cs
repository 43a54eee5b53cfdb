using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Retail.Hosting;

/// <summary>An options class bound from one section of settings (<c>Retail:Mail</c>), and what its settings have to be.</summary>
public interface ISettingsSection<TSelf> where TSelf : class, ISettingsSection<TSelf>, new()
{
    static abstract string Section { get; }

    /// <summary>Each setting that can be out of range, with what it has to be; any other can only fail to be of its type.</summary>
    static virtual IReadOnlyList<SettingRule<TSelf>> Rules => [];
}

/// <summary>A setting (its property's name) and what it has to be, as the line that stops start-up says it ("a port from 1 to 65535").</summary>
public sealed record SettingRule<T>(string Name, Func<T, bool> IsValid, string Expected);

/// <summary>
/// How every <c>Retail:*</c> section is read: bound into its options class and checked at start-up. A wrong setting
/// (out of range, or not of its type) stops the process with one line that names it as an environment variable:
/// <c>Retail__Cluster__ProbeTimeoutSeconds is '0'; it is a number of seconds from 0.1 to 300.</c>
/// </summary>
public static class RetailSettings
{
    public static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Registers <typeparamref name="T"/> as options, checked when the host starts; calling it twice registers it once.</summary>
    public static OptionsBuilder<T> AddSettings<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(this IServiceCollection services)
        where T : class, ISettingsSection<T>, new()
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, RulesValidation<T>>());
        // Before the binder, which would otherwise fail on an unconvertible value with its own message.
        return services.AddOptions<T>()
            .Configure<IConfiguration>((_, configuration) => ThrowIfNotConvertible<T>(configuration))
            .BindConfiguration(T.Section)
            .ValidateOnStart();
    }

    /// <summary>The section now, checked the same way: for the settings that decide how the host is put together.</summary>
    public static T ReadSettings<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(this IConfiguration configuration)
        where T : class, ISettingsSection<T>, new()
    {
        ThrowIfNotConvertible<T>(configuration);
        var settings = new T();
        configuration.GetSection(T.Section).Bind(settings);
        if (Failures(settings, configuration) is { Count: > 0 } failures)
            throw new OptionsValidationException(Options.DefaultName, typeof(T), failures);
        return settings;
    }

    private static void ThrowIfNotConvertible<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(IConfiguration configuration)
        where T : class, ISettingsSection<T>, new()
    {
        var section = configuration.GetSection(T.Section);
        var failures = new List<string>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var setting = section.GetSection(property.Name);
            if (setting.Value is null)
                continue;
            try
            {
                setting.Get(property.PropertyType);
            }
            catch (InvalidOperationException)
            {
                var rule = T.Rules.FirstOrDefault(r => r.Name == property.Name);
                failures.Add(Line(setting, rule?.Expected ?? Kind(property.PropertyType)));
            }
        }
        if (failures.Count > 0)
            throw new OptionsValidationException(Options.DefaultName, typeof(T), failures);
    }

    private static List<string> Failures<T>(T settings, IConfiguration configuration) where T : class, ISettingsSection<T>, new() =>
        [.. T.Rules.Where(rule => !rule.IsValid(settings)).Select(rule => Line(configuration.GetSection(T.Section).GetSection(rule.Name), rule.Expected))];

    private static string Line(IConfigurationSection setting, string expected) => $"{EnvironmentName(setting.Path)} is '{setting.Value}'; it is {expected}.";

    private static string Kind(Type type) =>
        type == typeof(bool) ? "true or false"
        : type == typeof(int) ? "a whole number"
        : type == typeof(TimeSpan) ? "a time span (d.hh:mm:ss)"
        : "a number";

    private sealed class RulesValidation<T>(IConfiguration configuration) : IValidateOptions<T> where T : class, ISettingsSection<T>, new()
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            Failures(options, configuration) is { Count: > 0 } failures ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

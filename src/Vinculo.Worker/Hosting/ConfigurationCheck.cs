using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Vinculo.Hosting;

/// <summary>
/// Checks every options section at once, so that a start-up with several mistakes reports all of them, each naming its
/// key and the value that was wrong. The rules themselves are the framework's: the validation attributes and
/// <c>IValidatableObject</c> rules of each options class, run by its generated <c>[OptionsValidator]</c> (and the
/// few hand-written validators that need other services). What this class adds is the binding they run on.
/// </summary>
/// <remarks>
/// A top-level section that no registered options class (and no framework setting) reads is reported too, since
/// nothing else would read it.
/// The framework's binder stops at the first value it cannot convert, and with <c>ErrorOnUnknownConfiguration</c> at the
/// first unknown key, in both cases with an exception that hides every other mistake. So each setting is bound on its
/// own here: a value that cannot be converted, and a key the section does not have, are noted and the rest goes on.
/// This works for any section registered with <see cref="VinculoHost.AddVinculoOptions{TOptions, TValidator}"/>,
/// a future feature's included, without code of its own.
/// </remarks>
public static class ConfigurationCheck
{
    /// <summary>
    /// Sections the worker reads that are not options classes of its own: the framework's logging settings
    /// (<c>Logging:LogLevel</c>, <c>Logging:Console</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> FrameworkSections = ["Logging"];

    public static IReadOnlyList<string> Collect(IServiceProvider services)
    {
        var failures = new List<string>();
        var sections = services.GetServices<OptionsSection>().ToList();
        CheckSectionNames(services.GetRequiredService<IConfiguration>(), sections.Select(s => s.Name), failures);
        foreach (var section in sections)
        {
            section.Check(services, failures);
        }

        return failures;
    }

    /// <summary>
    /// Names each top-level section the worker does not read (a misspelt <c>Mesaging:DailyLimit</c> would otherwise be
    /// ignored, leaving <c>Messaging:DailyLimit</c> at its default), with the keys under it. Only sections are checked: a
    /// plain value at the top is a host or environment setting (<c>contentRoot</c>, <c>environment</c>,
    /// <c>VINCULO_DATA</c> read as <c>DATA</c> …), not a section of Vinculo's.
    /// </summary>
    private static void CheckSectionNames(IConfiguration configuration, IEnumerable<string> registered, List<string> failures)
    {
        var known = registered.Select(name => name.Split(':')[0]).Concat(FrameworkSections)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var section in configuration.GetChildren())
        {
            if (!section.GetChildren().Any() || known.Contains(section.Key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            failures.Add($"{section.Path}: seção desconhecida (com {string.Join(", ", Leaves(section))}); as seções são {string.Join(", ", known)}.");
        }
    }

    /// <summary>The full keys of the values under <paramref name="section"/>, in order.</summary>
    private static IEnumerable<string> Leaves(IConfigurationSection section) =>
        section.GetChildren().Any()
            ? section.GetChildren().SelectMany(Leaves)
            : [section.Path];

    public static void ThrowIfInvalid(IServiceProvider services)
    {
        var failures = Collect(services);
        if (failures.Count > 0)
        {
            throw new ConfigurationException(failures);
        }
    }

    /// <summary>Builds the host and checks its whole configuration before anything in it starts; a host that fails is disposed.</summary>
    public static IHost BuildChecked(this HostApplicationBuilder builder)
    {
        var host = builder.Build();
        try
        {
            ThrowIfInvalid(host.Services);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A section's settings bound one by one, never throwing: what cannot be bound is added to
    /// <paramref name="failures"/> and left at its default.
    /// </summary>
    public static TOptions Bind<TOptions>(IConfiguration configuration, string sectionName, List<string> failures)
        where TOptions : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new TOptions();
        BindEach(options, configuration.GetSection(sectionName), failures);
        return options;
    }

    internal static void Check<TOptions>(IServiceProvider services, string sectionName, List<string> failures)
        where TOptions : class, new()
    {
        var options = Bind<TOptions>(services.GetRequiredService<IConfiguration>(), sectionName, failures);
        foreach (var validator in services.GetServices<IValidateOptions<TOptions>>())
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }
    }

    /// <summary>Binds every setting separately (and each entry of a keyed section such as <c>Scheduler:Jobs</c>), noting each value that cannot be converted.</summary>
    private static void BindEach(object target, IConfigurationSection section, List<string> failures)
    {
        var properties = target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var child in section.GetChildren())
        {
            if (!properties.Any(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase)))
            {
                failures.Add($"{child.Path}: chave desconhecida; as chaves de {section.Path} são {string.Join(", ", properties.Select(p => p.Name))}.");
            }
        }

        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var setting = section.GetSection(property.Name);
            if (!setting.Exists())
            {
                continue;
            }

            if (property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>)
                && property.PropertyType.GetGenericArguments() is [var keyType, var valueType] && keyType == typeof(string) && valueType.IsClass)
            {
                var entries = (System.Collections.IDictionary)property.GetValue(target)!;
                foreach (var child in setting.GetChildren())
                {
                    if (child.Value is not null && !child.GetChildren().Any())
                    {
                        failures.Add($"{child.Path}: '{child.Value}' não é uma seção; use {child.Path}:<chave>.");
                        continue;
                    }

                    var entry = Activator.CreateInstance(valueType)!;
                    BindEach(entry, child, failures);
                    entries[child.Key] = entry;
                }

                continue;
            }

            // A nested section of Vinculo's own (Messaging:Weights) is checked key by key like its parent.
            if (property.PropertyType.IsClass && property.PropertyType.Namespace?.StartsWith("Vinculo", StringComparison.Ordinal) == true
                && property.PropertyType.GetConstructor(Type.EmptyTypes) is not null)
            {
                if (setting.Value is not null && !setting.GetChildren().Any())
                {
                    failures.Add($"{setting.Path}: '{setting.Value}' não é uma seção; use {setting.Path}:<chave>.");
                    continue;
                }

                var nested = Activator.CreateInstance(property.PropertyType)!;
                BindEach(nested, setting, failures);
                property.SetValue(target, nested);
                continue;
            }

            try
            {
                var value = setting.Get(property.PropertyType);
                if (value is not null)
                {
                    property.SetValue(target, value);
                }
            }
            catch (InvalidOperationException e)
            {
                failures.Add(setting.Value is { } text
                    ? $"{setting.Path}: '{text}' não é {Expected(property.PropertyType)}."
                    : $"{setting.Path}: {e.Message}");
            }
        }
    }

    private static string Expected(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(bool) => "um valor válido (use true ou false)",
        var t when t == typeof(int) || t == typeof(long) => "um número inteiro válido",
        var t when t == typeof(double) => "um número válido (com ponto decimal, ex.: 0.35)",
        var t when t == typeof(TimeSpan) => "uma duração válida (ex.: 00:05:00)",
        var t => $"um valor válido ({t.Name})",
    };
}

/// <summary>A registered options section, so that the start-up check knows every section there is.</summary>
public sealed class OptionsSection
{
    private readonly Action<IServiceProvider, List<string>> check;

    private OptionsSection(string name, Action<IServiceProvider, List<string>> check)
    {
        Name = name;
        this.check = check;
    }

    public string Name { get; }

    public static OptionsSection For<TOptions>(string name)
        where TOptions : class, new() =>
        new(name, (services, failures) => ConfigurationCheck.Check<TOptions>(services, name, failures));

    internal void Check(IServiceProvider services, List<string> failures) => check(services, failures);
}

public sealed class ConfigurationException(IReadOnlyList<string> failures)
    : Exception("Configuração inválida:" + Environment.NewLine + string.Join(Environment.NewLine, failures.Select(f => "  - " + f)))
{
    public IReadOnlyList<string> Failures { get; } = failures;
}

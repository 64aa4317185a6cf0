using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Vinculo.Hosting;

/// <summary>
/// An options class bound from one configuration section. Its validation attributes read the section from it, so that
/// every message names the setting by its full key (<c>Dispatch:MessagesPerSecond</c>), not by its property alone.
/// </summary>
public interface ISettingsSection
{
    string SectionName { get; }
}

/// <summary>Validation results that name a setting by its full configuration key.</summary>
public static class SettingProblem
{
    /// <summary>
    /// A problem with <paramref name="key"/>. The options validator writes it as "key: message", which is how every
    /// configuration mistake reads.
    /// </summary>
    public static ValidationResult At(string key, string message) => new(message, [key]);

    /// <summary>The full key of the member a validation attribute is checking.</summary>
    public static string KeyOf(ValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.ObjectInstance is ISettingsSection section ? $"{section.SectionName}:{context.MemberName}" : context.MemberName ?? context.DisplayName;
    }

    /// <summary>A value as the user wrote it: numbers with a decimal point, durations as 00:05:00.</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>
/// <see cref="RangeAttribute"/> whose message names the setting's key and the value that was wrong:
/// "Phones:BatchSize: '50' deve estar entre 100 e 200000.". <see cref="ValidationAttribute.ErrorMessage"/> may replace
/// the text after the key; in it {0} is the value, {1} the minimum and {2} the maximum.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SettingRangeAttribute : RangeAttribute
{
    private const string DefaultMessage = "'{0}' deve estar entre {1} e {2}.";

    public SettingRangeAttribute(int minimum, int maximum)
        : base(minimum, maximum)
    {
    }

    public SettingRangeAttribute(double minimum, double maximum)
        : base(minimum, maximum)
    {
    }

    /// <summary>For durations: <c>[SettingRange(typeof(TimeSpan), "00:00:01", "01:00:00")]</c>.</summary>
    public SettingRangeAttribute(Type type, string minimum, string maximum)
        : base(type, minimum, maximum)
    {
        ParseLimitsInInvariantCulture = true;
        ConvertValueInInvariantCulture = true;
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        IsValid(value)
            ? ValidationResult.Success
            : SettingProblem.At(
                SettingProblem.KeyOf(validationContext),
                string.Format(CultureInfo.InvariantCulture, ErrorMessage ?? DefaultMessage, SettingProblem.Text(value), SettingProblem.Text(Minimum), SettingProblem.Text(Maximum)));
}

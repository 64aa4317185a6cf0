namespace Vinculo.Data;

/// <summary>
/// Implemented by every class that issues SQL of its own, so that a test can parse each statement
/// as the SQL Server engine would (SQL Server cannot run on the build machines).
/// </summary>
public interface ISqlStatements
{
    IEnumerable<string> Statements { get; }
}

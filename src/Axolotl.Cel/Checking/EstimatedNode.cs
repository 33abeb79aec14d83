using Axolotl.Cel.Syntax;
using Axolotl.Cel.Types;

namespace Axolotl.Cel.Checking;

/// <summary>
/// What the cost estimator knows of an argument, as cel-go's AstNode: where its value comes from (a variable, then field
/// names, <c>@items</c>, <c>@keys</c>, <c>@values</c>; null when it is computed), its checked type, and the size the
/// expression itself fixes (a literal, or a function's result), if any.
/// </summary>
internal readonly record struct EstimatedNode(IReadOnlyList<string>? Path, CelDeclType Type, SizeEstimate? Computed, Expr? Expr);

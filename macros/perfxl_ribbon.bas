Attribute VB_Name = "perfxl_ribbon"
' perfxl ribbon callback.
'
' Every button of the perfxl ribbon tab has onAction="perfxl_ribbon.PerfxlOnAction".
' The callback only forwards the clicked control's id to Python
' (perfxl.excel.dispatch.run), where one handler per control id does the work.
' Keep this file ASCII: the VBA editor is not Unicode; user-facing text lives in Python.
Option Explicit

Public Sub PerfxlOnAction(control As IRibbonControl)
    PerfxlRun control.ID
End Sub

' Also callable from a macro button or the Immediate window: PerfxlRun "px_check"
Public Sub PerfxlRun(ByVal controlId As String)
    If Not PerfxlIsControlId(controlId) Then
        MsgBox "Unknown perfxl control: " & controlId, vbExclamation, "perfxl"
        Exit Sub
    End If
    On Error GoTo Failed
    RunPython "import perfxl.excel.dispatch as d; d.run('" & controlId & "')"
    Exit Sub
Failed:
    MsgBox Err.Description, vbCritical, "perfxl"
End Sub

' Control ids are generated as [a-z0-9_]; refuse anything else so that nothing but an
' id can ever reach the Python command line.
Private Function PerfxlIsControlId(ByVal s As String) As Boolean
    Dim i As Long, c As String
    If Len(s) = 0 Or Len(s) > 64 Then Exit Function
    For i = 1 To Len(s)
        c = Mid$(s, i, 1)
        If Not (c Like "[a-z0-9_]") Then Exit Function
    Next i
    PerfxlIsControlId = True
End Function

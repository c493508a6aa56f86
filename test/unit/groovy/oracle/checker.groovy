// Oracle for the parser tests: compiles each given script with real Groovy 4 up to the CONVERSION phase (parse +
// AST building, no class resolution: sync scripts use classes and variables only known at run time) and reports
// accept/reject with the line of the first error.
// Input on stdin: a JSON array of {name, text}. Output on stdout: a JSON array of {name, ok, line, column, message}.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.MultipleCompilationErrorsException
import org.codehaus.groovy.control.Phases
import org.codehaus.groovy.control.messages.ExceptionMessage
import org.codehaus.groovy.control.messages.SyntaxErrorMessage

def inputs = new JsonSlurper().parse(System.in, 'UTF-8')
def results = []
for (item in inputs) {
    def cu = new CompilationUnit(new CompilerConfiguration())
    cu.addSource(item.name as String, item.text as String)
    try {
        cu.compile(Phases.CONVERSION)
        results << [name: item.name, ok: true]
    } catch (MultipleCompilationErrorsException e) {
        def m = e.errorCollector.errors ? e.errorCollector.errors[0] : null
        if (m instanceof SyntaxErrorMessage) {
            def c = m.cause
            results << [name: item.name, ok: false, line: c.line, column: c.startColumn, message: c.originalMessage ?: c.message]
        } else if (m instanceof ExceptionMessage) {
            results << [name: item.name, ok: false, line: -1, column: -1, message: String.valueOf(m.cause)]
        } else {
            results << [name: item.name, ok: false, line: -1, column: -1, message: String.valueOf(e.message)]
        }
    } catch (Throwable t) {
        results << [name: item.name, ok: false, line: -1, column: -1, message: 'crash: ' + t]
    }
}
System.out.withWriter('UTF-8') { it << JsonOutput.toJson(results) }
